/**
 * The conference store's updates keep what did not change (so selectors stay equal for the tiles
 * that did not change) and its memoised selectors give the same array while their slice is equal.
 */
import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../../common/protocol';
import {
  addPeer,
  addTrack,
  createConferenceStore,
  makeAudioTracksSelector,
  makeRosterSelector,
  removePeer,
  sameLink,
  selectIsSpeaking,
  selectPeer,
  updatePeerInfo,
  updateTrack,
  type LinkView,
  type RemotePeer,
  type RemoteTrack,
} from '../../../renderer/src/features/conference/conference-store';

const info = (id: string, joinedAt: number, extra: Partial<PeerInfo> = {}): PeerInfo => ({
  id,
  accountId: `acc-${id}`,
  role: 'operator',
  displayName: `Điểm cầu ${id}`,
  pointName: `Điểm cầu ${id}`,
  unitName: '',
  level: null,
  headcount: null,
  joinedAt,
  producers: [],
  ...extra,
});

const track = (consumerId: string, kind: 'audio' | 'video' = 'video', extra: Partial<RemoteTrack> = {}): RemoteTrack => ({
  consumerId,
  kind,
  source: kind === 'audio' ? 'mic' : 'webcam',
  track: { id: consumerId } as unknown as MediaStreamTrack,
  producerPaused: false,
  forwarding: true,
  ...extra,
});

function room(): RemotePeer[] {
  let peers: RemotePeer[] = [];
  peers = addPeer(peers, info('b', 2));
  peers = addPeer(peers, info('a', 1));
  peers = addPeer(peers, info('c', 3));
  peers = addTrack(peers, 'a', track('a-v'));
  peers = addTrack(peers, 'a', track('a-m', 'audio'));
  peers = addTrack(peers, 'b', track('b-v'));
  return peers;
}

describe('conference store updates', () => {
  it('keeps the peers in join order and replaces a peer that joins again', () => {
    let peers = room();
    expect(peers.map((p) => p.info.id)).toEqual(['a', 'b', 'c']);
    peers = addPeer(peers, info('a', 4));
    expect(peers.map((p) => p.info.id)).toEqual(['b', 'c', 'a']);
    expect(peers.find((p) => p.info.id === 'a')!.tracks).toEqual([]);
  });

  it("changes only the affected peer's object when one track changes", () => {
    const before = room();
    const after = updateTrack(before, 'a-v', { forwarding: false });
    expect(after).not.toBe(before);
    expect(after[0]).not.toBe(before[0]);
    expect(after[0]!.tracks[0]!.forwarding).toBe(false);
    expect(after[0]!.tracks[1]).toBe(before[0]!.tracks[1]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });

  it('returns the same array when nothing changes (unknown consumer, same value)', () => {
    const before = room();
    expect(updateTrack(before, 'nobody', { forwarding: false })).toBe(before);
    expect(updateTrack(before, 'a-v', { forwarding: true })).toBe(before);
  });

  it('removes a closed track, replaces a track of the same source, removes a peer', () => {
    let peers = updateTrack(room(), 'a-m', null);
    expect(peers[0]!.tracks.map((t) => t.consumerId)).toEqual(['a-v']);
    peers = addTrack(peers, 'a', track('a-v2'));
    expect(peers[0]!.tracks.map((t) => t.consumerId)).toEqual(['a-v2']);
    const kept = peers[2];
    peers = removePeer(peers, 'b');
    expect(peers.map((p) => p.info.id)).toEqual(['a', 'c']);
    expect(peers[1]).toBe(kept);
  });

  it("a peer's new description changes only that peer", () => {
    const before = room();
    const after = updatePeerInfo(before, info('b', 2, { producers: [{ id: 'p', kind: 'audio', source: 'mic', paused: true }] }));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]!.tracks).toBe(before[1]!.tracks);
  });

  it('compares link views by value', () => {
    const link: LinkView = { sendBars: 4, recvBars: 3, quality: 'good', suggestion: null, lossPercent: 0, rttMs: 20, availableSendKbps: 900 };
    expect(sameLink(link, { ...link })).toBe(true);
    expect(sameLink(link, { ...link, rttMs: 21 })).toBe(false);
    expect(sameLink(null, link)).toBe(false);
    expect(sameLink(null, null)).toBe(true);
  });
});

describe('conference store selectors', () => {
  it('selectPeer and selectIsSpeaking follow one peer only', () => {
    const store = createConferenceStore();
    store.setState({ peers: room(), activeSpeakerId: 'a' });
    const a = selectPeer('a');
    const first = a(store.getState());
    store.setState({ peers: updateTrack(store.getState().peers, 'b-v', { producerPaused: true }) });
    expect(a(store.getState())).toBe(first);
    expect(selectPeer('b')(store.getState())!.tracks[0]!.producerPaused).toBe(true);
    expect(selectPeer('gone')(store.getState())).toBeUndefined();
    expect(selectIsSpeaking('a')(store.getState())).toBe(true);
    store.setState({ activeSpeakerId: 'c' });
    expect(selectIsSpeaking('a')(store.getState())).toBe(false);
    expect(selectPeer('a')(store.getState())).toBe(first);
  });

  it('the roster stays the same array while nobody joins, leaves or shares a screen', () => {
    const select = makeRosterSelector();
    let peers = room();
    const first = select({ ...createConferenceStore().getState(), peers });
    expect(first.map((r) => r.peerId)).toEqual(['a', 'b', 'c']);
    peers = updateTrack(peers, 'a-v', { forwarding: false });
    expect(select({ ...createConferenceStore().getState(), peers })).toBe(first);
    peers = updatePeerInfo(peers, info('c', 3, { producers: [{ id: 's', kind: 'video', source: 'screen', paused: false }] }));
    const sharing = select({ ...createConferenceStore().getState(), peers });
    expect(sharing).not.toBe(first);
    expect(sharing[2]).toEqual({ peerId: 'c', accountId: 'acc-c', sharingScreen: true });
    peers = removePeer(peers, 'b');
    expect(select({ ...createConferenceStore().getState(), peers }).map((r) => r.peerId)).toEqual(['a', 'c']);
  });

  it('the audio list changes only when an audio track comes, goes or is replaced', () => {
    const select = makeAudioTracksSelector();
    let peers = room();
    const state = () => ({ ...createConferenceStore().getState(), peers });
    const first = select(state());
    expect(first.map((t) => t.consumerId)).toEqual(['a-m']);
    peers = updateTrack(peers, 'a-v', { forwarding: false });
    expect(select(state())).toBe(first);
    peers = updateTrack(peers, 'a-m', { forwarding: false });
    expect(select(state())).toBe(first);
    peers = addTrack(peers, 'c', track('c-m', 'audio'));
    expect(select(state()).map((t) => t.consumerId)).toEqual(['a-m', 'c-m']);
  });
});
