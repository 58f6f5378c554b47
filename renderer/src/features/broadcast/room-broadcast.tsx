/**
 * The broadcast in the conference room: an always-mounted indicator (ROOM_OVERLAYS) that everyone
 * sees while it is on, and a panel (ROOM_PANELS) with the chair's switch. The state is fetched over
 * HTTP after every (re)join and whenever the room is told `broadcast.changed`.
 */
import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BroadcastState } from '../../../../common/api/broadcast';
import type { RoomFeatureProps } from '../conference/room-panels';
import { RoomCorner, RoomStatusPanel, useRoomStatus } from '../conference/room-status';
import { BroadcastBadge } from './BroadcastBadge';
import { BroadcastSwitch } from './BroadcastSwitch';
import { broadcastApi } from './broadcast-api';

export function useRoomBroadcast({ engine, meetingId }: RoomFeatureProps): { state: BroadcastState | null; reload: () => void } {
  return useRoomStatus(
    engine,
    meetingId,
    () => broadcastApi.state(meetingId),
    (_set, reload) => engine.on('broadcast.changed', reload),
  );
}

export function BroadcastIndicator(props: RoomFeatureProps) {
  const { state } = useRoomBroadcast(props);
  if (!state?.on) return null;
  return (
    <RoomCorner side="left">
      <BroadcastBadge on />
    </RoomCorner>
  );
}

export function BroadcastPanel(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state, reload } = useRoomBroadcast(props);
  if (!state) return null;
  return (
    <RoomStatusPanel
      status={state.on ? t('broadcast.onFor', { since: new Date(state.since ?? Date.now()).toLocaleTimeString() }) : t('broadcast.off')}
      warning={state.on && state.phase === 'failed' && <Alert color="red">{t('broadcast.failed', { error: state.error ?? '' })}</Alert>}
      canManage={state.canManage}
      onlyManagers={t('broadcast.onlyChair')}
    >
      <BroadcastSwitch meetingId={props.meetingId} state={state} onChanged={reload} />
    </RoomStatusPanel>
  );
}
