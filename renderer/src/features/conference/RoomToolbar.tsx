/**
 * The room's toolbar: microphone, camera, screen share, layout, devices, the features' panels, leave.
 * It never wraps onto a second row: when the full set does not fit its width (a phone, a narrow
 * window), it turns compact — smaller buttons, the microphone, camera, as many panels as fit and
 * leave stay in the row, everything else goes into the "more" menu (Mantine Menu).
 */
import { ActionIcon, Group, Indicator, Menu, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconMicrophone, IconMicrophoneOff, IconScreenShare, IconSettings, IconVideo, IconVideoOff } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/errors';
import type { ConferenceEngine } from './conference-engine';
import { DeviceSettingsButton, DeviceSettingsModal } from './devices/DeviceSettings';
import { LayoutMenu, LayoutMenuItems } from './layouts/LayoutMenu';
import { LeaveButton } from './LeaveButton';
import type { RoomAction, RoomFeatureProps, RoomPanel } from './room-panels';
import { canShareScreen } from './screen-share/capture';
import { ScreenShareButton } from './screen-share/ScreenShareButton';
import { PanelButton } from './SidePanel';
import { useConferenceShallow } from './use-conference';
import { useElementSize } from './use-element-size';

/** Widths (px) of a button and the gap in each mode; the leave button with its label. */
const FULL = { button: 44, gap: 12, leave: 130 };
const COMPACT = { button: 36, gap: 6, leave: 36 };
const PADDING = 24;

/**
 * How the toolbar fits `width`: everything, or compact with `inlinePanels` panels in the row (the
 * actions then go into the "more" menu).
 */
export function toolbarFit(width: number, panelCount: number, shareable: boolean, actionCount = 0): { compact: boolean; inlinePanels: number } {
  const full = (4 + (shareable ? 1 : 0) + panelCount + actionCount) * (FULL.button + FULL.gap) + FULL.leave + PADDING;
  if (width === 0 || width >= full) return { compact: false, inlinePanels: panelCount };
  // mic, camera, more, leave + the panels that fit.
  const fixed = 4 * (COMPACT.button + COMPACT.gap) + PADDING;
  const inlinePanels = Math.max(0, Math.min(panelCount, Math.floor((width - fixed) / (COMPACT.button + COMPACT.gap))));
  return { compact: true, inlinePanels };
}

export function RoomToolbar({
  engine,
  panels,
  actions = [],
  featureProps,
  panelId,
  onPanel,
}: {
  engine: ConferenceEngine;
  panels: readonly RoomPanel[];
  actions?: readonly RoomAction[];
  featureProps: RoomFeatureProps;
  panelId: string | null;
  onPanel: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const state = useConferenceShallow(engine, (s) => ({ micMuted: s.micMuted, cameraOff: s.cameraOff, screenTrack: s.screenTrack }));
  const ref = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(ref);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const shareRef = useRef<HTMLDivElement>(null);
  const shareable = canShareScreen();
  const { compact, inlinePanels } = toolbarFit(width, panels.length, shareable, actions.length);
  const size = compact ? 'lg' : 'xl';
  const toggleMic = () => {
    engine.setMicMuted(!state.micMuted).catch((err: unknown) => {
      notifications.show({ color: 'red', message: errorMessage(err) });
    });
  };
  const toggle = (id: string) => onPanel(id === panelId ? null : id);
  const inline = panels.slice(0, inlinePanels);
  const overflow = panels.slice(inlinePanels);
  return (
    <Group
      ref={ref}
      justify="center"
      p={compact ? 'xs' : 'sm'}
      gap={compact ? COMPACT.gap : FULL.gap}
      wrap="nowrap"
      role="toolbar"
      aria-label={t('toolbar.label')}
      data-testid="room-toolbar"
      data-compact={compact}
      style={{ borderTop: '1px solid var(--mantine-color-default-border)', minWidth: 0 }}
    >
      <Tooltip label={state.micMuted ? t('room.unmute') : t('room.mute')}>
        <ActionIcon
          size={size}
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
          size={size}
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
      {!compact && (
        <>
          <ScreenShareButton engine={engine} />
          <LayoutMenu />
          <DeviceSettingsButton engine={engine} />
          {actions.map((a) => (
            <Tooltip key={a.id} label={t(a.labelKey)}>
              <ActionIcon size={size} radius="xl" variant="light" aria-label={t(a.labelKey)} onClick={() => a.run(featureProps)} data-testid={`room-action-${a.id}`}>
                <a.icon />
              </ActionIcon>
            </Tooltip>
          ))}
        </>
      )}
      {inline.map((p) => (
        <PanelButton key={p.id} panel={p} props={featureProps} open={p.id === panelId} onToggle={() => toggle(p.id)} size={size} />
      ))}
      {compact && (
        <Menu position="top-end" withArrow shadow="md" closeOnItemClick>
          <Menu.Target>
            <Tooltip label={t('toolbar.more')}>
              <ActionIcon size={size} radius="xl" variant="light" aria-label={t('toolbar.more')} data-testid="room-toolbar-more">
                <IconDots />
              </ActionIcon>
            </Tooltip>
          </Menu.Target>
          <Menu.Dropdown>
            {overflow.map((p) => (
              <PanelMenuItem key={p.id} panel={p} props={featureProps} open={p.id === panelId} onToggle={() => toggle(p.id)} />
            ))}
            {overflow.length > 0 && <Menu.Divider />}
            {shareable && (
              <Menu.Item leftSection={<IconScreenShare size={16} />} onClick={() => shareRef.current?.querySelector('button')?.click()}>
                {state.screenTrack !== null ? t('screenShare.stop') : t('screenShare.start')}
              </Menu.Item>
            )}
            <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => setDevicesOpen(true)}>
              {t('devices.title')}
            </Menu.Item>
            {actions.map((a) => (
              <Menu.Item key={a.id} leftSection={<a.icon size={16} />} onClick={() => a.run(featureProps)} data-testid={`room-action-${a.id}`}>
                {t(a.labelKey)}
              </Menu.Item>
            ))}
            <Menu.Divider />
            <LayoutMenuItems />
          </Menu.Dropdown>
        </Menu>
      )}
      {compact && shareable && (
        // The share button itself (its picker and errors), out of sight; the menu item presses it.
        <div ref={shareRef} hidden>
          <ScreenShareButton engine={engine} />
        </div>
      )}
      <LeaveButton engine={engine} compact={compact} />
      <DeviceSettingsModal engine={engine} opened={devicesOpen} onClose={() => setDevicesOpen(false)} />
    </Group>
  );
}

function PanelMenuItem({ panel, props, open, onToggle }: { panel: RoomPanel; props: RoomFeatureProps; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const visible = panel.useVisible?.(props) ?? true;
  const badge = panel.useBadge?.(props) ?? 0;
  const Icon = panel.icon;
  if (!visible) return null;
  return (
    <Menu.Item
      leftSection={
        <Indicator label={badge} size={14} disabled={badge === 0} color="red">
          <Icon size={16} />
        </Indicator>
      }
      aria-pressed={open}
      onClick={onToggle}
      data-testid={`panel-button-${panel.id}`}
    >
      {t(panel.labelKey)}
    </Menu.Item>
  );
}
