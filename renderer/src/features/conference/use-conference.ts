/** React binding of the conference engine's state. */
import { useSyncExternalStore } from 'react';
import type { ConferenceEngine, ConferenceState } from './conference-engine';

export function useConference(engine: ConferenceEngine): ConferenceState {
  return useSyncExternalStore(engine.subscribe, engine.getState);
}
