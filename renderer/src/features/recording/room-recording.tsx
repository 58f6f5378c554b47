/**
 * Recording in the conference room: "Đang ghi hình" (ROOM_OVERLAYS) for everyone while it runs, and
 * the chair's and secretary's start/stop (ROOM_PANELS). The state is asked over signaling after
 * every (re)join and updated by `recording.changed`.
 */
import { Alert, Badge, Button, Checkbox, Stack } from '@mantine/core';
import { IconPlayerRecordFilled, IconPlayerStopFilled } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordingState } from '../../../../common/protocol/recording';
import { SignalingError } from '../../net/signaling-client';
import { useFormSubmit } from '../../shared/use-form-submit';
import type { RoomFeatureProps } from '../conference/room-panels';
import { RoomCorner, RoomStatusPanel, useRoomStatus } from '../conference/room-status';

export function useRoomRecording({ engine, meetingId }: RoomFeatureProps): { state: RecordingState | null; reload: () => void } {
  return useRoomStatus<RecordingState>(
    engine,
    meetingId,
    () => engine.request('recording.state', {}),
    (set) => engine.on('recording.changed', (data) => set((s) => ({ canManage: s?.canManage ?? false, ...data }))),
  );
}

export function RecordingIndicator(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state } = useRoomRecording(props);
  if (!state?.active) return null;
  return (
    <RoomCorner side="right">
      <Badge color="red" size="lg" variant="filled" leftSection={<IconPlayerRecordFilled size={12} />} data-testid="recording-indicator">
        {t('recording.active')}
      </Badge>
    </RoomCorner>
  );
}

function errorText(err: unknown, t: (key: string) => string): string {
  if (err instanceof SignalingError) {
    if (err.code === 'storage_full') return t('recording.errors.disk');
    if (err.code === 'unavailable') return t('recording.errors.ffmpeg');
    if (err.code === 'forbidden') return t('recording.errors.forbidden');
  }
  return err instanceof Error ? err.message : String(err);
}

export function RecordingPanel(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state, reload } = useRoomRecording(props);
  const [confidential, setConfidential] = useState(false);
  const { busy, error, run: toggle } = useFormSubmit(
    async () => {
      if (state?.active) await props.engine.request('recording.stop', {});
      else await props.engine.request('recording.start', { confidential });
      reload();
    },
    (err) => errorText(err, t),
  );
  if (!state) return null;
  return (
    <RoomStatusPanel
      status={state.active ? t('recording.since', { since: new Date(state.startedAt ?? Date.now()).toLocaleTimeString() }) : t('recording.off')}
      warning={!state.active && state.stoppedBecause === 'storage_full' && <Alert color="red">{t('recording.errors.diskStopped')}</Alert>}
      canManage={state.canManage}
      onlyManagers={t('recording.onlyChair')}
    >
      <Stack gap="xs">
        {!state.active && <Checkbox label={t('recording.confidential')} checked={confidential} onChange={(e) => setConfidential(e.currentTarget.checked)} />}
        <Button color={state.active ? 'gray' : 'red'} loading={busy} leftSection={state.active ? <IconPlayerStopFilled size={16} /> : <IconPlayerRecordFilled size={16} />} onClick={() => void toggle()} data-testid="recording-toggle">
          {state.active ? t('recording.stop') : t('recording.start')}
        </Button>
        {error && (
          <Alert color="red" data-testid="recording-error">
            {error}
          </Alert>
        )}
      </Stack>
    </RoomStatusPanel>
  );
}
