/** The room: every other bridge point in a grid, yourself, and the controls. */
import { ActionIcon, Alert, Badge, Box, Button, CloseButton, Group, Indicator, ScrollArea, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMicrophone, IconMicrophoneOff, IconPhoneOff, IconVideo, IconVideoOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/i18n';
import type { ConferenceEngine } from './conference-engine';
import { TrackVideo } from './MediaElement';
import { initials, ParticipantTile, TileFrame } from './ParticipantTile';
import { ROOM_OVERLAYS, ROOM_PANELS, type RoomFeatureProps, type RoomPanel } from './room-panels';
import { useConference } from './use-conference';

function columnsFor(count: number): number {
  return Math.min(6, Math.max(1, Math.ceil(Math.sqrt(count))));
}

export function RoomView({ engine, title, displayName, pointName }: { engine: ConferenceEngine; title: string; displayName: string; pointName: string }) {
  const { t } = useTranslation();
  const state = useConference(engine);
  const selfVideo = engine.localStream?.getVideoTracks()[0];
  const total = state.peers.length + 1;
  const cols = columnsFor(total);
  const [panelId, setPanelId] = useState<string | null>(null);
  const panel = ROOM_PANELS.find((p) => p.id === panelId) ?? null;
  const featureProps: RoomFeatureProps = { engine, meetingId: state.meetingId };

  const toggleMic = () => {
    engine.setMicMuted(!state.micMuted).catch((err: unknown) => {
      notifications.show({ color: 'red', message: errorMessage(err) });
    });
  };

  return (
    <Stack h="100%" gap={0} pos="relative">
      <Group justify="space-between" px="md" py="xs">
        <Title order={1} size="h4" style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        <Badge variant="light" size="lg" data-testid="participant-count">
          {t('room.participants', { count: total })}
        </Badge>
      </Group>
      {state.status === 'reconnecting' && (
        <Alert color="yellow" role="status" mx="md">
          {t('room.reconnecting')}
        </Alert>
      )}
      <Group flex={1} gap={0} align="stretch" wrap="nowrap" style={{ minHeight: 0 }}>
      <Box flex={1} p="md" style={{ overflow: 'auto' }}>
        {state.peers.length === 0 && (
          <Text c="dimmed" mb="sm" role="status">
            {t('room.alone')}
          </Text>
        )}
        {/* As wide as the rows of 16:9 tiles can be while they all fit the height (no scrolling on a PC). */}
        <SimpleGrid
          cols={{ base: Math.min(cols, 2), sm: cols }}
          spacing="sm"
          data-testid="video-grid"
          mx="auto"
          style={{ maxWidth: `max(320px, calc((100dvh - 230px) / ${Math.ceil(total / cols)} * 16 / 9 * ${cols}))` }}
        >
          {state.peers.map((peer) => (
            <ParticipantTile key={peer.info.id} peer={peer} engine={engine} />
          ))}
          <TileFrame
            label={t('room.you')}
            testId="self-tile"
            footer={
              <Box style={{ minWidth: 0 }}>
                <Text size="sm" fw={600} c="white" truncate>
                  {displayName} ({t('room.you')})
                </Text>
                {pointName && (
                  <Text size="xs" c="gray.3" truncate>
                    {pointName}
                  </Text>
                )}
              </Box>
            }
          >
            {selfVideo && !state.cameraOff ? (
              <TrackVideo track={selfVideo} label={t('room.you')} mirrored />
            ) : (
              <Group h="100%" justify="center">
                <Text c="gray.4" size="xl" fw={700}>
                  {state.cameraOff ? t('room.videoOff') : initials(displayName)}
                </Text>
              </Group>
            )}
          </TileFrame>
        </SimpleGrid>
      </Box>
      {panel && <SidePanel panel={panel} props={featureProps} onClose={() => setPanelId(null)} />}
      </Group>
      {ROOM_OVERLAYS.map((Overlay, i) => (
        <Overlay key={i} {...featureProps} />
      ))}
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
        {ROOM_PANELS.map((p) => (
          <PanelButton key={p.id} panel={p} props={featureProps} open={p.id === panelId} onToggle={() => setPanelId(p.id === panelId ? null : p.id)} />
        ))}
        <Button color="red" radius="xl" leftSection={<IconPhoneOff size={18} />} onClick={() => void engine.leave()}>
          {t('room.leave')}
        </Button>
      </Group>
    </Stack>
  );
}

function PanelButton({ panel, props, open, onToggle }: { panel: RoomPanel; props: RoomFeatureProps; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const visible = panel.useVisible?.(props) ?? true;
  const badge = panel.useBadge?.(props) ?? 0;
  const Icon = panel.icon;
  if (!visible) return null;
  return (
    <Tooltip label={t(panel.labelKey)}>
      <Indicator label={badge} size={18} disabled={badge === 0} color="red">
        <ActionIcon size="xl" radius="xl" variant={open ? 'filled' : 'light'} aria-label={t(panel.labelKey)} aria-pressed={open} onClick={onToggle} data-testid={`panel-button-${panel.id}`}>
          <Icon />
        </ActionIcon>
      </Indicator>
    </Tooltip>
  );
}

/** The side column of one feature's panel: beside the grid on a PC, over it on a phone. */
function SidePanel({ panel, props, onClose }: { panel: RoomPanel; props: RoomFeatureProps; onClose: () => void }) {
  const { t } = useTranslation();
  const Component = panel.Component;
  return (
    <Box
      component="aside"
      aria-label={t(panel.labelKey)}
      data-testid={`panel-${panel.id}`}
      w={{ base: '100%', sm: 380 }}
      pos={{ base: 'absolute', sm: 'static' } as never}
      style={{ borderLeft: '1px solid var(--mantine-color-gray-3)', background: 'var(--mantine-color-body)', display: 'flex', flexDirection: 'column', inset: 0, zIndex: 5 }}
    >
      <Group justify="space-between" px="md" py="xs" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Title order={2} size="h5">
          {t(panel.labelKey)}
        </Title>
        <CloseButton aria-label={t('room.closePanel')} onClick={onClose} />
      </Group>
      <ScrollArea flex={1} p="md">
        <Component {...props} />
      </ScrollArea>
    </Box>
  );
}
