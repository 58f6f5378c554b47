/** The room's toolbar: microphone, camera, screen share, layout, devices, the features' panels, leave. */
import { ActionIcon, Button, Group, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMicrophone, IconMicrophoneOff, IconPhoneOff, IconVideo, IconVideoOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/i18n';
import type { ConferenceEngine } from './conference-engine';
import { DeviceSettingsButton } from './devices/DeviceSettings';
import { LayoutMenu } from './layouts/LayoutMenu';
import { ROOM_PANELS, type RoomFeatureProps } from './room-panels';
import { ScreenShareButton } from './screen-share/ScreenShareButton';
import { PanelButton } from './SidePanel';
import { useConference } from './use-conference';

export function RoomToolbar({ engine, featureProps, panelId, onPanel }: { engine: ConferenceEngine; featureProps: RoomFeatureProps; panelId: string | null; onPanel: (id: string | null) => void }) {
  const { t } = useTranslation();
  const state = useConference(engine);
  const toggleMic = () => {
    engine.setMicMuted(!state.micMuted).catch((err: unknown) => {
      notifications.show({ color: 'red', message: errorMessage(err) });
    });
  };
  return (
    <Group justify="center" p="sm" gap="md" role="toolbar" aria-label={t('app.title')} style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Tooltip label={state.micMuted ? t('room.unmute') : t('room.mute')}>
        <ActionIcon
          size="xl"
          radius="xl"
          variant={state.micMuted ? 'filled' : 'light'}
          color={state.micMuted ? 'red' : 'blue'}
          aria-label={state.micMuted ? t('room.unmute') : t('room.mute')}
          aria-pressed={state.micMuted}
          onClick={toggleMic}
        >
          {state.micMuted ? <IconMicrophoneOff /> : <IconMicrophone />}
        </ActionIcon>
      </Tooltip>
      <Tooltip label={state.cameraOff ? t('room.cameraOn') : t('room.cameraOff')}>
        <ActionIcon
          size="xl"
          radius="xl"
          variant={state.cameraOff ? 'filled' : 'light'}
          color={state.cameraOff ? 'red' : 'blue'}
          aria-label={state.cameraOff ? t('room.cameraOn') : t('room.cameraOff')}
          aria-pressed={state.cameraOff}
          onClick={() => void engine.setCameraOff(!state.cameraOff)}
        >
          {state.cameraOff ? <IconVideoOff /> : <IconVideo />}
        </ActionIcon>
      </Tooltip>
      <ScreenShareButton engine={engine} />
      <LayoutMenu />
      <DeviceSettingsButton engine={engine} />
      {ROOM_PANELS.map((p) => (
        <PanelButton key={p.id} panel={p} props={featureProps} open={p.id === panelId} onToggle={() => onPanel(p.id === panelId ? null : p.id)} />
      ))}
      <Button color="red" radius="xl" leftSection={<IconPhoneOff size={18} />} onClick={() => void engine.leave()}>
        {t('room.leave')}
      </Button>
    </Group>
  );
}
