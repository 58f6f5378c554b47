/**
 * The floor as this client knows it: the server's state (`floor.state` after every join,
 * `floor.changed` pushes), the offset between the server's clock and ours (for the speaking
 * timer), and the host's "please unmute" prompt. One store per conference engine.
 */
import { useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/shallow';
import type { FloorState } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';

export interface FloorView {
  state: FloorState | null;
  /** server clock − local clock, in ms. */
  offsetMs: number;
  /** The host asked us to unmute (name of who asked), until answered. */
  unmuteAskedBy: string | null;
}

export class FloorStore {
  #view: FloorView = { state: null, offsetMs: 0, unmuteAskedBy: null };
  readonly #listeners = new Set<() => void>();

  constructor(readonly engine: ConferenceEngine) {
    engine.on('floor.changed', (state) => this.#apply(state));
    engine.on('moderation.unmuteAsked', ({ by }) => this.#set({ unmuteAskedBy: by }));
    engine.onJoined(() => {
      engine.request('floor.state', {}).then(
        (state) => this.#apply(state),
        (err: unknown) => console.warn('floor state not loaded', err),
      );
    });
  }

  getView = (): FloorView => this.#view;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  dismissUnmute(): void {
    this.#set({ unmuteAskedBy: null });
  }

  /** Now on the server's clock (ms). */
  serverNow(): number {
    return Date.now() + this.#view.offsetMs;
  }

  #apply(state: FloorState): void {
    this.#set({ state, offsetMs: Date.parse(state.serverNow) - Date.now() });
  }

  #set(patch: Partial<FloorView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const l of this.#listeners) l();
  }
}

const stores = new WeakMap<ConferenceEngine, FloorStore>();

export function floorStore(engine: ConferenceEngine): FloorStore {
  let s = stores.get(engine);
  if (!s) stores.set(engine, (s = new FloorStore(engine)));
  return s;
}

export function useFloor(engine: ConferenceEngine): FloorView {
  const store = floorStore(engine);
  return useSyncExternalStore(store.subscribe, store.getView);
}

/**
 * A slice of the floor view (a value, or a small object compared entry by entry): the component
 * re-renders only when the slice changes. For what every tile shows (a raised hand, the chair's
 * menu), so a floor change re-renders the tiles it concerns, not all of them.
 */
export function useFloorSlice<T>(engine: ConferenceEngine, select: (view: FloorView) => T): T {
  const store = floorStore(engine);
  const pick = useShallow(select);
  return useSyncExternalStore(store.subscribe, () => pick(store.getView()));
}

/** Whether this participant runs the floor (chair, secretary, creator of the meeting, or an administrator). */
export function isManager(state: FloorState | null, self: { accountId: string; role: string } | null): boolean {
  if (!state || !self) return false;
  return self.role === 'admin' || state.organiserIds.includes(self.accountId);
}

/** Whole seconds between an ISO instant and `nowMs`. */
export function secondsSince(iso: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
}

export function formatDuration(totalSeconds: number): string {
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** The timer's look: normal, warning (near the limit), over (past the limit). */
export function timerPhase(elapsed: number, limit: number, warning: number): 'normal' | 'warning' | 'over' {
  if (limit <= 0) return 'normal';
  if (elapsed >= limit) return 'over';
  if (elapsed >= limit - warning) return 'warning';
  return 'normal';
}
