/** Whom the speaker tile over an open document shows, and keeping the dragged tile inside the viewer. */
import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../../common/protocol';
import { chooseSpeaker, clampPosition } from '../../../renderer/src/features/documents/speaker-choice';

const info = (id: string, accountId: string): PeerInfo => ({ id, accountId, role: 'delegate', displayName: id, pointName: '', unitName: '', level: null, headcount: null, joinedAt: 0, producers: [] });
const a = { info: info('peer-a', 'acc-a') };
const b = { info: info('peer-b', 'acc-b') };
const me = info('peer-me', 'acc-me');

describe('chooseSpeaker', () => {
  it('shows the floor holder before the active speaker', () => {
    expect(chooseSpeaker([a, b], me, 'peer-b', 'acc-a')).toEqual({ kind: 'peer', peer: a, reason: 'floor' });
  });
  it('falls back to the active speaker when the holder is not in the room, or there is none', () => {
    expect(chooseSpeaker([a, b], me, 'peer-b', 'acc-gone')).toEqual({ kind: 'peer', peer: b, reason: 'speaking' });
    expect(chooseSpeaker([a, b], me, 'peer-b', null)).toEqual({ kind: 'peer', peer: b, reason: 'speaking' });
  });
  it('shows ourselves when we hold the floor or speak', () => {
    expect(chooseSpeaker([a], me, 'peer-a', 'acc-me')).toEqual({ kind: 'self', reason: 'floor' });
    expect(chooseSpeaker([a], me, 'peer-me', null)).toEqual({ kind: 'self', reason: 'speaking' });
  });
  it('shows nobody when nobody speaks or the speaker has left', () => {
    expect(chooseSpeaker([a], me, null, null)).toBeNull();
    expect(chooseSpeaker([a], me, 'peer-left', null)).toBeNull();
  });
});

describe('clampPosition', () => {
  it('keeps the tile inside the container with a margin', () => {
    const tile = { width: 200, height: 100 };
    const box = { width: 800, height: 600 };
    expect(clampPosition({ right: -50, bottom: -10 }, tile, box)).toEqual({ right: 8, bottom: 8 });
    expect(clampPosition({ right: 900, bottom: 900 }, tile, box)).toEqual({ right: 592, bottom: 492 });
    expect(clampPosition({ right: 100, bottom: 50 }, tile, box)).toEqual({ right: 100, bottom: 50 });
  });
});
