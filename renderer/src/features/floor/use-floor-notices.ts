/**
 * Tells a participant what the chair did to their microphone: a toast when the server mutes it
 * (host mute, mute all, floor taken back, controlled mode switched on) and when the chair gives
 * them the floor (the server has turned their microphone on).
 */
import { notifications } from '@mantine/notifications';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from '../conference/conference-engine';
import { floorStore, isManager, useFloor } from './floor-store';

export function useFloorNotices(engine: ConferenceEngine): void {
  const { t } = useTranslation();
  const { state } = useFloor(engine);
  /** The floor holder in the last state seen; undefined before the first one (not a change). */
  const previousHolder = useRef<string | null | undefined>(undefined);

  useEffect(() => {
    const self = engine.getState().self;
    if (!state || !self) return;
    const holder = state.holder?.accountId ?? null;
    const before = previousHolder.current;
    previousHolder.current = holder;
    if (before === undefined || holder !== self.accountId || before === self.accountId) return;
    // Organisers give the floor themselves: no news for them.
    if (isManager(state, self)) return;
    notifications.show({ id: 'floor-given', color: 'green', title: t('floor.notice.givenTitle'), message: t('floor.notice.given'), autoClose: 8000 });
  }, [state, engine, t]);

  useEffect(
    () =>
      engine.on('micForced', ({ muted }) => {
        // Feature listeners run before the engine applies the notification: this is the state before it.
        if (!muted || engine.getState().micMuted) return;
        const floor = floorStore(engine).getView().state;
        const self = engine.getState().self;
        const controlled = floor?.controlled === true && floor.holder?.accountId !== self?.accountId;
        notifications.show({ id: 'mic-forced', color: 'orange', title: t('floor.notice.mutedTitle'), message: controlled ? t('floor.notice.mutedControlled') : t('floor.notice.muted'), autoClose: 8000 });
      }),
    [engine, t],
  );
}
