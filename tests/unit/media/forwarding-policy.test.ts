import { describe, expect, it } from 'vitest';
import type { TileView } from '../../../common/protocol';
import { decideVideo, lastNSenders, layersForTile, pushSpeaker } from '../../../sfu-server/src/media/forwarding-policy';

describe('layer choice', () => {
  it('follows the tile height: ≤ 240 px → 0, ≤ 480 → 1, larger → 2', () => {
    expect(layersForTile(90, 'normal').spatialLayer).toBe(0);
    expect(layersForTile(240, 'normal').spatialLayer).toBe(0);
    expect(layersForTile(241, 'normal').spatialLayer).toBe(1);
    expect(layersForTile(480, 'normal').spatialLayer).toBe(1);
    expect(layersForTile(481, 'normal').spatialLayer).toBe(2);
    expect(layersForTile(2160, 'normal').spatialLayer).toBe(2);
  });
  it('gives the lowest layer in low-bandwidth mode, whatever the size', () => {
    expect(layersForTile(1080, 'low').spatialLayer).toBe(0);
    expect(layersForTile(undefined, 'low').spatialLayer).toBe(0);
  });
  it('gives the best layer when the size is unknown, never above what the sender has', () => {
    expect(layersForTile(undefined, 'normal')).toEqual({ spatialLayer: 2, temporalLayer: 2 });
    expect(layersForTile(1080, 'normal', 1).spatialLayer).toBe(1);
  });
});

describe('last-N selection', () => {
  const joined = ['a', 'b', 'c', 'd', 'e', 'f'];
  it('fills by join order when nobody has spoken', () => {
    expect([...lastNSenders([], joined, 3)]).toEqual(['a', 'b', 'c']);
  });
  it('puts the most recent speakers first, then join order', () => {
    expect([...lastNSenders(['f', 'd'], joined, 3)]).toEqual(['f', 'd', 'a']);
  });
  it('keeps only the N most recent speakers', () => {
    expect([...lastNSenders(['e', 'f', 'd', 'c'], joined, 2)]).toEqual(['e', 'f']);
  });
  it('skips speakers who left', () => {
    expect([...lastNSenders(['gone', 'c'], joined, 2)]).toEqual(['c', 'a']);
  });
  it('gives everyone when the meeting is smaller than N', () => {
    expect(lastNSenders(['c'], joined, 25).size).toBe(6);
  });
  it('moves a new dominant speaker to the front without duplicates, bounded', () => {
    expect(pushSpeaker(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
    expect(pushSpeaker(['a', 'b'], 'c', 2)).toEqual(['c', 'a']);
  });
});

describe('video forwarding decision', () => {
  const ctx = { lastN: new Set(['speaker']), chairs: new Set(['chair']) };
  const view = (peerId: string, height = 180, extra: Partial<TileView> = {}): TileView => ({ peerId, source: 'webcam', width: Math.round((height * 16) / 9), height, ...extra });

  it('forwards a last-N sender whose tile is on screen, with its height', () => {
    expect(decideVideo({ views: [view('speaker', 360)], mode: 'normal' }, { peerId: 'speaker', source: 'webcam' }, ctx)).toEqual({ forward: true, height: 360 });
  });
  it('pauses tiles that are off screen or have no size', () => {
    expect(decideVideo({ views: [view('other')], mode: 'normal' }, { peerId: 'speaker', source: 'webcam' }, ctx).forward).toBe(false);
    expect(decideVideo({ views: [view('speaker', 0)], mode: 'normal' }, { peerId: 'speaker', source: 'webcam' }, ctx).forward).toBe(false);
    expect(decideVideo({ views: [], mode: 'normal' }, { peerId: 'chair', source: 'webcam' }, ctx).forward).toBe(false);
  });
  it('does not forward a shown camera outside the last N unless pinned or chairing', () => {
    const views = [view('quiet'), view('pinned', 180, { pinned: true }), view('chair')];
    expect(decideVideo({ views, mode: 'normal' }, { peerId: 'quiet', source: 'webcam' }, ctx).forward).toBe(false);
    expect(decideVideo({ views, mode: 'normal' }, { peerId: 'pinned', source: 'webcam' }, ctx).forward).toBe(true);
    expect(decideVideo({ views, mode: 'normal' }, { peerId: 'chair', source: 'webcam' }, ctx).forward).toBe(true);
  });
  it('forwards a shown screen share from anyone', () => {
    const views: TileView[] = [{ peerId: 'quiet', source: 'screen', width: 1280, height: 720 }];
    expect(decideVideo({ views, mode: 'normal' }, { peerId: 'quiet', source: 'screen' }, ctx)).toEqual({ forward: true, height: 720 });
    // The camera of the same point is another tile: not listed, not forwarded.
    expect(decideVideo({ views, mode: 'normal' }, { peerId: 'quiet', source: 'webcam' }, ctx).forward).toBe(false);
  });
  it('treats a receiver that never reported tiles as showing everything (still last-N)', () => {
    expect(decideVideo({ views: null, mode: 'normal' }, { peerId: 'speaker', source: 'webcam' }, ctx)).toEqual({ forward: true, height: undefined });
    expect(decideVideo({ views: null, mode: 'normal' }, { peerId: 'quiet', source: 'webcam' }, ctx).forward).toBe(false);
  });
  it('sends no video at all in audio-only mode', () => {
    expect(decideVideo({ views: [view('chair')], mode: 'audio-only' }, { peerId: 'chair', source: 'webcam' }, ctx).forward).toBe(false);
    expect(decideVideo({ views: null, mode: 'audio-only' }, { peerId: 'x', source: 'screen' }, ctx).forward).toBe(false);
  });
});
