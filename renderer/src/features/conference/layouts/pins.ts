/**
 * The tiles pinned in this session (per conference engine), so a pin can come from a tile's own
 * button or from elsewhere (the chair's points list) and the layout follows. Not remembered.
 */
import { useSyncExternalStore } from 'react';
import type { ConferenceEngine } from '../conference-engine';
import { togglePin } from './layout-model';

export class PinStore {
  #pinned: readonly string[] = [];
  readonly #listeners = new Set<() => void>();
  get = (): readonly string[] => this.#pinned;
  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };
  toggle = (key: string): void => {
    this.#pinned = togglePin(this.#pinned, key);
    for (const l of this.#listeners) l();
  };
}

const stores = new WeakMap<ConferenceEngine, PinStore>();

export function pinStore(engine: ConferenceEngine): PinStore {
  let s = stores.get(engine);
  if (!s) stores.set(engine, (s = new PinStore()));
  return s;
}

export function usePins(engine: ConferenceEngine): readonly string[] {
  const s = pinStore(engine);
  return useSyncExternalStore(s.subscribe, s.get);
}
