/** Toolbar button: share a screen or window (the app's picker in Electron, the browser's otherwise), or stop. */
import { ActionIcon, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconScreenShare, IconScreenShareOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deviceErrorMessage } from '../../../shared/device-errors';
import type { ConferenceEngine } from '../conference-engine';
import { useConferenceShallow } from '../use-conference';
import { canShareScreen, captureScreen, isCancelled, usesAppPicker } from './capture';
import { ScreenPicker } from './ScreenPicker';

export function ScreenShareButton({ engine }: { engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const state = useConferenceShallow(engine, (s) => ({ screenTrack: s.screenTrack }));
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const sharing = state.screenTrack !== null;
  if (!canShareScreen()) return null;

  const start = async (sourceId?: string) => {
    setPicking(false);
    setBusy(true);
    try {
      const track = await captureScreen(sourceId);
      await engine.startScreenShare(track);
    } catch (err) {
      if (!isCancelled(err)) notifications.show({ color: 'red', title: t('screenShare.failed'), message: deviceErrorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const onClick = () => {
    if (sharing) void engine.stopScreenShare();
    else if (usesAppPicker()) setPicking(true);
    else void start();
  };
  const label = sharing ? t('screenShare.stop') : t('screenShare.start');
  return (
    <>
      <Tooltip label={label}>
        <ActionIcon size="xl" radius="xl" variant={sharing ? 'filled' : 'light'} color={sharing ? 'green' : 'blue'} aria-label={label} aria-pressed={sharing} loading={busy} onClick={onClick}>
          {sharing ? <IconScreenShareOff /> : <IconScreenShare />}
        </ActionIcon>
      </Tooltip>
      {usesAppPicker() && <ScreenPicker opened={picking} onClose={() => setPicking(false)} onPick={(id) => void start(id)} />}
    </>
  );
}
