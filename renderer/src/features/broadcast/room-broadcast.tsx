/**
 * The broadcast in the conference room: an always-mounted indicator (ROOM_OVERLAYS) that everyone
 * sees while it is on, and a panel (ROOM_PANELS) with the chair's switch. The state is fetched over
 * HTTP after every (re)join and whenever the room is told `broadcast.changed`.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BroadcastState } from '../../../../common/api/broadcast';
import type { RoomFeatureProps } from '../conference/room-panels';
import { BroadcastBadge } from './BroadcastBadge';
import { BroadcastSwitch } from './BroadcastSwitch';
import { broadcastApi } from './broadcast-api';

export function useRoomBroadcast({ engine, meetingId }: RoomFeatureProps): { state: BroadcastState | null; reload: () => void } {
  const [state, setState] = useState<BroadcastState | null>(null);
  const reload = useCallback(() => {
    broadcastApi.state(meetingId).then(setState, () => undefined);
  }, [meetingId]);
  useEffect(() => {
    reload();
    const offChanged = engine.on('broadcast.changed', reload);
    const offJoined = engine.onJoined(reload);
    return () => {
      offChanged();
      offJoined();
    };
  }, [engine, reload]);
  return { state, reload };
}

export function BroadcastIndicator(props: RoomFeatureProps) {
  const { state } = useRoomBroadcast(props);
  if (!state?.on) return null;
  return (
    <div style={{ position: 'absolute', top: 12, left: 16, zIndex: 4 }}>
      <BroadcastBadge on />
    </div>
  );
}

export function BroadcastPanel(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state, reload } = useRoomBroadcast(props);
  if (!state) return null;
  return (
    <Stack>
      <Text>{state.on ? t('broadcast.onFor', { since: new Date(state.since ?? Date.now()).toLocaleTimeString() }) : t('broadcast.off')}</Text>
      {state.on && state.phase === 'failed' && <Alert color="red">{t('broadcast.failed', { error: state.error ?? '' })}</Alert>}
      {state.canManage ? <BroadcastSwitch meetingId={props.meetingId} state={state} onChanged={reload} /> : <Text size="sm" c="dimmed">{t('broadcast.onlyChair')}</Text>}
    </Stack>
  );
}
