// @vitest-environment happy-dom
/**
 * A floor change re-renders the raised hands it changes, not every tile's (useFloorSlice). With
 * `useFloor` (the whole view) each of a room's tiles re-rendered its raised hand and its chair's menu
 * on every floor change.
 */
import { MantineProvider } from '@mantine/core';
import { act, createElement, Profiler } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { FloorState } from '../../../common/protocol';
import type { ConferenceEngine } from '../../../renderer/src/features/conference/conference-engine';
import { RaisedHand } from '../../../renderer/src/features/floor/RaisedHand';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** The engine's event surface the floor store listens to (no media, no server). */
function engineEvents() {
  const handlers = new Map<string, (payload: unknown) => void>();
  const engine = {
    on: (event: string, handler: (payload: unknown) => void) => void handlers.set(event, handler),
    onJoined: () => undefined,
    request: () => new Promise(() => undefined),
  };
  return { engine: engine as unknown as ConferenceEngine, push: (state: Partial<FloorState>) => handlers.get('floor.changed')!({ serverNow: new Date().toISOString(), ...state }) };
}

/** Commits of each tile's raised hand (React's Profiler calls onRender for every commit of its subtree). */
const renders = new Map<string, number>();
const Hand = ({ engine, accountId }: { engine: ConferenceEngine; accountId: string }) =>
  createElement(
    Profiler,
    { id: accountId, onRender: () => void renders.set(accountId, (renders.get(accountId) ?? 0) + 1) },
    createElement('span', { 'data-account': accountId }, createElement(RaisedHand, { engine, accountId })),
  );

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  renders.clear();
});

describe('useFloorSlice', () => {
  it('re-renders only the tile whose raised hand changed', async () => {
    const { engine, push } = engineEvents();
    const host = document.createElement('div');
    const root = createRoot(host);
    cleanup = () => act(() => root.unmount());
    const ids = ['a', 'b', 'c'];
    await act(async () => root.render(createElement(MantineProvider, null, ids.map((id) => createElement(Hand, { key: id, engine, accountId: id })))));
    const text = () => ids.map((id) => host.querySelector(`[data-account="${id}"]`)!.textContent || '-').join(',');
    expect(text()).toBe('-,-,-');
    const before = ids.map((id) => renders.get(id));

    await act(async () => push({ queue: [{ accountId: 'b' }] as FloorState['queue'] }));
    expect(text()).toBe('-,1,-');
    expect(ids.map((id) => renders.get(id)! - before[ids.indexOf(id)]!)).toEqual([0, 1, 0]);

    // A change elsewhere in the floor (the queue as it was, another field new): nobody re-renders.
    await act(async () => push({ queue: [{ accountId: 'b' }] as FloorState['queue'], controlled: true } as Partial<FloorState>));
    expect(ids.map((id) => renders.get(id)! - before[ids.indexOf(id)]!)).toEqual([0, 1, 0]);

    await act(async () => push({ queue: [{ accountId: 'c' }, { accountId: 'b' }] as FloorState['queue'] }));
    expect(text()).toBe('-,2,1');
    expect(ids.map((id) => renders.get(id)! - before[ids.indexOf(id)]!)).toEqual([0, 2, 1]);
  });
});
