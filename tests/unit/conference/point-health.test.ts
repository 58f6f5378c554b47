/** Picture and sound of a bridge point from its producers, counts and order of the roll call. */
import { describe, expect, it } from 'vitest';
import type { PointStatus } from '../../../common/protocol';
import { countPoints, pictureOf, soundOf, sortPoints, type ProducerSnapshot } from '../../../sfu-server/src/points/point-health';

const cam = (p: Partial<ProducerSnapshot> = {}): ProducerSnapshot => ({ source: 'webcam', paused: false, bitrate: 300_000, score: 10, ...p });
const mic = (p: Partial<ProducerSnapshot> = {}): ProducerSnapshot => ({ source: 'mic', paused: false, bitrate: 30_000, score: 10, ...p });

describe('picture', () => {
  it('is OK when video arrives with a score', () => expect(pictureOf([cam(), mic()])).toBe('ok'));
  it('is off when the camera is paused', () => expect(pictureOf([cam({ paused: true })])).toBe('off'));
  it('is missing without a camera', () => expect(pictureOf([mic()])).toBe('missing'));
  it('is missing when nothing arrives (stalled stream or score 0)', () => {
    expect(pictureOf([cam({ bitrate: 0 })])).toBe('missing');
    expect(pictureOf([cam({ bitrate: 5_000 })])).toBe('missing');
    expect(pictureOf([cam({ score: 0 })])).toBe('missing');
  });
  it('does not count a screen share as the camera', () => expect(pictureOf([{ ...cam(), source: 'screen' }])).toBe('missing'));
});

describe('sound', () => {
  it('is OK when audio arrives, even DTX comfort noise', () => {
    expect(soundOf([mic()])).toBe('ok');
    expect(soundOf([mic({ bitrate: 800 })])).toBe('ok');
  });
  it('is muted when the microphone is paused', () => expect(soundOf([mic({ paused: true, bitrate: 0 })])).toBe('muted'));
  it('is missing without a microphone or when nothing arrives', () => {
    expect(soundOf([cam()])).toBe('missing');
    expect(soundOf([mic({ bitrate: 0 })])).toBe('missing');
  });
});

const point = (name: string, p: Partial<PointStatus> = {}): PointStatus => ({
  pointId: name,
  name,
  unitName: 'UBND',
  level: 'commune',
  headcount: 10,
  connected: false,
  peerId: null,
  picture: null,
  sound: null,
  link: null,
  ...p,
});

describe('roll call', () => {
  it('counts connected points, and picture and sound OK only with diagnostics', () => {
    const points = [point('A', { connected: true, picture: 'ok', sound: 'ok' }), point('B', { connected: true, picture: 'off', sound: 'ok' }), point('C')];
    expect(countPoints(points, true)).toEqual({ invited: 3, connected: 2, picture: 1, sound: 2 });
    expect(countPoints(points, false)).toEqual({ invited: 3, connected: 2, picture: null, sound: null });
  });
  it('lists points not connected first, then by unit and name in Vietnamese order', () => {
    const sorted = sortPoints([point('Điểm B', { connected: true }), point('Điểm Đ'), point('Điểm D'), point('Điểm A', { connected: true })]);
    expect(sorted.map((p) => p.name)).toEqual(['Điểm D', 'Điểm Đ', 'Điểm A', 'Điểm B']);
  });
});
