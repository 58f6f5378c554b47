/**
 * Recording in the conference room: "Đang ghi hình" (ROOM_OVERLAYS) for everyone while it runs, and
 * the chair's and secretary's start/stop (ROOM_PANELS). The state is asked over signaling after
 * every (re)join and updated by `recording.changed`.
 */
import { Alert, Badge, Button, Checkbox, Stack, Text } from '@mantine/core';
import { IconPlayerRecordFilled, IconPlayerStopFilled } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordingState } from '../../../../common/protocol/recording';
import { SignalingError } from '../../net/signaling-client';
import type { RoomFeatureProps } from '../conference/room-panels';

export function useRoomRecording({ engine }: RoomFeatureProps): { state: RecordingState | null; reload: () => void } {
  const [state, setState] = useState<RecordingState | null>(null);
  const reload = useCallback(() => {
    engine.request('recording.state', {}).then(setState, () => undefined);
  }, [engine]);
  useEffect(() => {
    reload();
    const offChanged = engine.on('recording.changed', (data) => setState((s) => ({ canManage: s?.canManage ?? false, ...data })));
    const offJoined = engine.onJoined(reload);
    return () => {
      offChanged();
      offJoined();
    };
  }, [engine, reload]);
  return { state, reload };
}

export function RecordingIndicator(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state } = useRoomRecording(props);
  if (!state?.active) return null;
  return (
    <div style={{ position: 'absolute', top: 12, right: 16, zIndex: 4 }}>
      <Badge color="red" size="lg" variant="filled" leftSection={<IconPlayerRecordFilled size={12} />} data-testid="recording-indicator">
        {t('recording.active')}
      </Badge>
    </div>
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
  const [busy, setBusy] = useState(false);
  const [confidential, setConfidential] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!state) return null;
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (state.active) await props.engine.request('recording.stop', {});
      else await props.engine.request('recording.start', { confidential });
      reload();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Text>{state.active ? t('recording.since', { since: new Date(state.startedAt ?? Date.now()).toLocaleTimeString() }) : t('recording.off')}</Text>
      {!state.active && state.stoppedBecause === 'storage_full' && <Alert color="red">{t('recording.errors.diskStopped')}</Alert>}
      {state.canManage ? (
        <Stack gap="xs">
          {!state.active && <Checkbox label={t('recording.confidential')} checked={confidential} onChange={(e) => setConfidential(e.currentTarget.checked)} />}
          <Button color={state.active ? 'gray' : 'red'} loading={busy} leftSection={state.active ? <IconPlayerStopFilled size={16} /> : <IconPlayerRecordFilled size={16} />} onClick={() => void toggle()} data-testid="recording-toggle">
            {state.active ? t('recording.stop') : t('recording.start')}
          </Button>
          {error && <Alert color="red" data-testid="recording-error">{error}</Alert>}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">{t('recording.onlyChair')}</Text>
      )}
    </Stack>
  );
}
