/**
 * Attendance as the organisers' clients know it: `attendance.state` after every join, then the
 * changed rows pushed in `attendance.changed`. Participants who are not organisers are refused by
 * the server (forbidden) and see nothing.
 */
import { useSyncExternalStore } from 'react';
import type { AttendanceState, Notifications } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';

export interface AttendanceView {
  state: AttendanceState | null;
  /** false once the server said this participant may not see attendance. */
  allowed: boolean;
}

function mergeRows<T>(rows: T[], changed: T[], key: (r: T) => string): T[] {
  if (changed.length === 0) return rows;
  const byKey = new Map(changed.map((r) => [key(r), r]));
  const out = rows.map((r) => byKey.get(key(r)) ?? r);
  const known = new Set(rows.map(key));
  for (const r of changed) if (!known.has(key(r))) out.push(r);
  return out;
}

/** Applies a pushed change to the state (pure, tested). */
export function applyChange(state: AttendanceState, change: Notifications['attendance.changed']): AttendanceState {
  return {
    points: mergeRows(state.points, change.points, (r) => r.bridgePointId),
    delegates: mergeRows(state.delegates, change.delegates, (r) => r.accountId),
    others: mergeRows(state.others, change.others, (r) => r.accountId),
    quorum: change.quorum,
    at: change.at,
  };
}

export class AttendanceStore {
  #view: AttendanceView = { state: null, allowed: true };
  readonly #listeners = new Set<() => void>();

  constructor(readonly engine: ConferenceEngine) {
    engine.on('attendance.changed', (change) => {
      if (this.#view.state) this.#set({ state: applyChange(this.#view.state, change) });
    });
    engine.onJoined(() => void this.reload());
  }

  async reload(): Promise<void> {
    try {
      this.#set({ state: await this.engine.request('attendance.state', {}), allowed: true });
    } catch (err) {
      if ((err as { code?: string }).code === 'forbidden') this.#set({ state: null, allowed: false });
    }
  }

  getView = (): AttendanceView => this.#view;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #set(patch: Partial<AttendanceView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const l of this.#listeners) l();
  }
}

const stores = new WeakMap<ConferenceEngine, AttendanceStore>();

export function attendanceStore(engine: ConferenceEngine): AttendanceStore {
  let s = stores.get(engine);
  if (!s) stores.set(engine, (s = new AttendanceStore(engine)));
  return s;
}

export function useAttendance(engine: ConferenceEngine): AttendanceView {
  const store = attendanceStore(engine);
  return useSyncExternalStore(store.subscribe, store.getView);
}
