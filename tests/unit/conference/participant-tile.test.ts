// @vitest-environment happy-dom
/**
 * A participant's tile keeps its <video> while the server stops and starts forwarding that video
 * here (last-N, the receiver's bandwidth plan, a speaker change): hidden behind the placeholder, the
 * same element with the same track shows again. Before, the element was removed and a new one made
 * (a new media player, its load and play events) at every such change; in the room-render bench a
 * speaker change paused one picture and resumed another about once a second.
 */
import { MantineProvider } from '@mantine/core';
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../../common/protocol';
import type { ConferenceEngine } from '../../../renderer/src/features/conference/conference-engine';
import { createConferenceStore, type RemotePeer } from '../../../renderer/src/features/conference/conference-store';
import { ParticipantTile } from '../../../renderer/src/features/conference/ParticipantTile';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** What the tile's element is given: a stream of its track (happy-dom has no WebRTC). */
class FakeMediaStream {
  constructor(readonly tracks: unknown[]) {}
}
let srcObjectSets = 0;

beforeAll(() => {
  (globalThis as { MediaStream?: unknown }).MediaStream = FakeMediaStream;
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    get(this: { _src?: unknown }) {
      return this._src ?? null;
    },
    set(this: { _src?: unknown }, v: unknown) {
      if (v) srcObjectSets++;
      this._src = v;
    },
  });
  HTMLMediaElement.prototype.play = () => Promise.resolve();
});

const info: PeerInfo = {
  id: 'p1',
  accountId: 'a1',
  role: 'delegate',
  displayName: 'Nguyễn Văn A',
  pointName: 'Điểm cầu Ba Chẽ',
  unitName: '',
  level: null,
  headcount: null,
  joinedAt: 1,
  producers: [{ id: 'prod-v', kind: 'video', source: 'webcam', paused: false }],
};
const track = { id: 'track-v', kind: 'video' } as unknown as MediaStreamTrack;
const peerWith = (forwarding: boolean): RemotePeer => ({ info, tracks: [{ consumerId: 'c1', kind: 'video', source: 'webcam', track, producerPaused: false, forwarding }] });

function fakeEngine(): ConferenceEngine {
  const store = createConferenceStore();
  return { store, on: () => undefined, onJoined: () => undefined, request: () => new Promise(() => undefined) } as unknown as ConferenceEngine;
}

let root: Root | null = null;
afterEach(() => {
  const r = root;
  root = null;
  if (r) act(() => r.unmount());
  srcObjectSets = 0;
});

describe('ParticipantTile', () => {
  it('keeps the same <video> while its video stops and starts being forwarded', async () => {
    const engine = fakeEngine();
    const host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    const show = (forwarding: boolean) => act(async () => root!.render(createElement(MantineProvider, null, createElement(ParticipantTile, { peer: peerWith(forwarding), engine }))));
    const video = () => host.querySelector('video');
    const notReceived = () => host.querySelector('[data-testid="tile-not-received"]');

    await show(true);
    const first = video();
    expect(first).not.toBeNull();
    expect(first!.style.display).not.toBe('none');
    expect(notReceived()).toBeNull();
    expect(srcObjectSets).toBe(1);

    // Not forwarded here for a while: the placeholder shows, the element stays (hidden).
    await show(false);
    expect(video()).toBe(first);
    expect(first!.style.display).toBe('none');
    expect(notReceived()).not.toBeNull();

    // Forwarded again: the same element, shown, and its stream was not set again.
    await show(true);
    expect(video()).toBe(first);
    expect(first!.style.display).not.toBe('none');
    expect(notReceived()).toBeNull();
    expect(srcObjectSets).toBe(1);
  });

  it('shows the speaking highlight and badge of the active speaker only', async () => {
    const engine = fakeEngine();
    const host = document.createElement('div');
    root = createRoot(host);
    await act(async () => root!.render(createElement(MantineProvider, null, createElement(ParticipantTile, { peer: peerWith(true), engine }))));
    const section = () => host.querySelector('section')!;
    expect(section().getAttribute('data-speaking')).toBeNull();
    expect(host.querySelector('[data-testid="tile-speaking"]')).toBeNull();
    await act(async () => engine.store.setState({ activeSpeakerId: 'p1' }));
    expect(section().getAttribute('data-speaking')).toBe('true');
    expect(host.querySelector('[data-testid="tile-speaking"]')).not.toBeNull();
    await act(async () => engine.store.setState({ activeSpeakerId: 'p2' }));
    expect(section().getAttribute('data-speaking')).toBeNull();
    expect(host.querySelector('[data-testid="tile-speaking"]')).toBeNull();
  });
});
