/**
 * React binding of the conference engine's store: a component subscribes to the slice it uses
 * (selectors in conference-store.ts) and re-renders only when that slice changes (compared with
 * Object.is; `useConferenceShallow` compares an object's or array's entries instead). Without a
 * selector it subscribes to the whole state and re-renders on every change of anything: only for
 * screens outside the room.
 */
import { useStore } from 'zustand';
import { useShallow } from 'zustand/shallow';
import type { ConferenceEngine } from './conference-engine';
import type { ConferenceState } from './conference-store';

const whole = (s: ConferenceState) => s;

export function useConference(engine: ConferenceEngine): ConferenceState;
export function useConference<T>(engine: ConferenceEngine, selector: (state: ConferenceState) => T): T;
export function useConference<T>(engine: ConferenceEngine, selector?: (state: ConferenceState) => T): T | ConferenceState {
  return useStore(engine.store, (selector ?? whole) as (state: ConferenceState) => T | ConferenceState);
}

/** For a selector that builds a new object or array of unchanged values: compared entry by entry. */
export function useConferenceShallow<T>(engine: ConferenceEngine, selector: (state: ConferenceState) => T): T {
  return useStore(engine.store, useShallow(selector));
}
