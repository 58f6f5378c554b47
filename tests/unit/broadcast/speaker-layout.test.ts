import { describe, expect, it } from 'vitest';
import { composeLayout, FULL, labelOf, layoutKey, LayoutSettler, MAIN_WITH_SIDE, MAX_AUDIO, SIDE_RECTS, type LayoutInput, type LayoutStream } from '../../../sfu-server/src/broadcast/speaker-layout';

const cam = (n: string, extra: Partial<LayoutStream> = {}): LayoutStream => ({ producerId: `cam-${n}`, peerId: `peer-${n}`, accountId: `acc-${n}`, displayName: `Người ${n}`, pointName: `Điểm cầu ${n}`, source: 'webcam', paused: false, ...extra });
const mic = (n: string, extra: Partial<LayoutStream> = {}): LayoutStream => ({ ...cam(n), producerId: `mic-${n}`, source: 'mic', ...extra });
const screen = (n: string): LayoutStream => ({ ...cam(n), producerId: `screen-${n}`, source: 'screen' });
const input = (streams: LayoutStream[], extra: Partial<LayoutInput> = {}): LayoutInput => ({ streams, chairAccountId: 'acc-chair', floorHolderAccountId: null, activeSpeakerPeerId: null, previousMainPeerId: null, ...extra });
const big = (i: LayoutInput) => composeLayout(i).video[0]?.producerId;

describe('speaker-follow layout', () => {
  it('puts the floor holder large, before the active speaker, with the chair beside', () => {
    const c = composeLayout(input([cam('chair'), cam('a'), cam('b')], { floorHolderAccountId: 'acc-a', activeSpeakerPeerId: 'peer-b' }));
    expect(c.video.map((v) => [v.producerId, v.rect])).toEqual([
      ['cam-a', MAIN_WITH_SIDE],
      ['cam-chair', SIDE_RECTS[0]],
    ]);
    expect(c.mainPeerId).toBe('peer-a');
  });

  it('follows the active speaker when nobody holds the floor', () => {
    expect(big(input([cam('chair'), cam('a'), cam('b')], { activeSpeakerPeerId: 'peer-b' }))).toBe('cam-b');
  });

  it('keeps the previous large picture through silence, else the chair, else the first camera', () => {
    expect(big(input([cam('chair'), cam('a'), cam('b')], { previousMainPeerId: 'peer-b' }))).toBe('cam-b');
    expect(big(input([cam('a'), cam('chair')]))).toBe('cam-chair');
    expect(big(input([cam('a'), cam('b')], { chairAccountId: null }))).toBe('cam-a');
    expect(composeLayout(input([])).video).toEqual([]);
  });

  it('shows the chair alone full size when the chair speaks', () => {
    const c = composeLayout(input([cam('chair'), cam('a')], { activeSpeakerPeerId: 'peer-chair' }));
    expect(c.video).toHaveLength(1);
    expect(c.video[0]).toMatchObject({ producerId: 'cam-chair', rect: FULL });
  });

  it('puts a shared screen large, with the speaker and the chair beside it', () => {
    const c = composeLayout(input([cam('chair'), cam('a'), screen('a')], { floorHolderAccountId: 'acc-a' }));
    expect(c.video.map((v) => v.producerId)).toEqual(['screen-a', 'cam-a', 'cam-chair']);
    expect(c.video.map((v) => v.rect)).toEqual([MAIN_WITH_SIDE, SIDE_RECTS[0], SIDE_RECTS[1]]);
  });

  it('ignores paused cameras (a camera turned off is not shown) and muted microphones', () => {
    const c = composeLayout(input([cam('chair'), cam('a', { paused: true }), mic('a', { paused: true }), mic('chair')], { floorHolderAccountId: 'acc-a' }));
    expect(c.video.map((v) => v.producerId)).toEqual(['cam-chair']);
    expect(c.audio).toEqual(['mic-chair']);
  });

  it('mixes the floor holder and the chair first, at most MAX_AUDIO microphones', () => {
    const mics = Array.from({ length: MAX_AUDIO + 3 }, (_, i) => mic(String(i)));
    const c = composeLayout(input([...mics, mic('chair'), mic('holder')], { floorHolderAccountId: 'acc-holder' }));
    expect(c.audio).toHaveLength(MAX_AUDIO);
    expect(c.audio.slice(0, 2)).toEqual(['mic-holder', 'mic-chair']);
  });

  it('labels a picture with the point and the person', () => {
    expect(labelOf({ displayName: 'Nguyễn Văn A', pointName: 'UBND xã Đồng Tâm' })).toBe('UBND xã Đồng Tâm — Nguyễn Văn A');
    expect(labelOf({ displayName: 'Nguyễn Văn A', pointName: '' })).toBe('Nguyễn Văn A');
  });

  it('changes its key when the speaker changes, not when nothing that is drawn changed', () => {
    const streams = [cam('chair'), cam('a'), cam('b'), mic('a'), mic('b')];
    const a = layoutKey(composeLayout(input(streams, { activeSpeakerPeerId: 'peer-a' })));
    const a2 = layoutKey(composeLayout(input([...streams].reverse(), { activeSpeakerPeerId: 'peer-a' })));
    const b = layoutKey(composeLayout(input(streams, { activeSpeakerPeerId: 'peer-b' })));
    expect(a2).toBe(a);
    expect(b).not.toBe(a);
  });
});

describe('LayoutSettler', () => {
  it('adopts the first layout at once and a new one only after it held for settleMs', () => {
    const s = new LayoutSettler(1000);
    expect(s.offer('A', 0)).toBe(true);
    expect(s.offer('B', 100)).toBe(false);
    expect(s.offer('B', 900)).toBe(false);
    expect(s.offer('B', 1100)).toBe(true);
    expect(s.current).toBe('B');
  });

  it('forgets a change that did not hold (a cough does not flip the picture)', () => {
    const s = new LayoutSettler(1000);
    s.offer('A', 0);
    expect(s.offer('B', 100)).toBe(false);
    expect(s.offer('A', 500)).toBe(false);
    expect(s.offer('B', 1200)).toBe(false);
    expect(s.offer('B', 2100)).toBe(false);
    expect(s.offer('B', 2200)).toBe(true);
  });
});
