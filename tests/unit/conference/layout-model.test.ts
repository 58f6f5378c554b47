/** Paging, page size, grid fitting and what each layout puts on the stage. */
import { describe, expect, it } from 'vitest';
import {
  arrangeRoom,
  clampPage,
  fitGrid,
  isLayoutKind,
  MAX_STAGE,
  nextStageSpeaker,
  pageCount,
  pageShape,
  pageSlice,
  tileKey,
  togglePin,
  type ArrangeInput,
} from '../../../renderer/src/features/conference/layouts/layout-model';

describe('pageShape', () => {
  it('holds up to 5×5 tiles on a PC screen', () => {
    expect(pageShape(1600, 900)).toEqual({ cols: 5, rows: 5, size: 25 });
  });
  it('holds fewer on a small window', () => {
    const s = pageShape(700, 400);
    expect(s.cols).toBe(4);
    expect(s.rows).toBe(4);
    expect(s.size).toBe(16);
  });
  it('holds at most 2×3 on a phone', () => {
    expect(pageShape(390, 700)).toEqual({ cols: 2, rows: 3, size: 6 });
    expect(pageShape(320, 200).size).toBeLessThanOrEqual(4);
  });
  it('always holds at least one tile, even in a tiny or unmeasured area', () => {
    expect(pageShape(0, 0)).toEqual({ cols: 1, rows: 1, size: 1 });
    expect(pageShape(-5, Number.NaN).size).toBe(1);
  });
  it('is capped by the tiles-per-page choice', () => {
    expect(pageShape(1600, 900, 9).size).toBe(9);
    expect(pageShape(390, 700, 25).size).toBe(6);
    expect(pageShape(1600, 900, 0).size).toBe(25);
  });
});

describe('fitGrid', () => {
  it('puts two tiles side by side in a wide area', () => {
    expect(fitGrid(2, 1200, 400)).toMatchObject({ cols: 2, rows: 1 });
  });
  it('stacks two tiles in a tall area', () => {
    expect(fitGrid(2, 400, 1000)).toMatchObject({ cols: 1, rows: 2 });
  });
  it('chooses 3×3 for nine tiles in a 16:9 area, and the tiles fit', () => {
    const g = fitGrid(9, 1600, 900);
    expect(g).toMatchObject({ cols: 3, rows: 3 });
    expect(g.tileWidth * 3).toBeLessThanOrEqual(1600);
    expect(g.tileHeight * 3).toBeLessThanOrEqual(900);
  });
  it('never uses more columns than allowed', () => {
    expect(fitGrid(25, 5000, 300, 5).cols).toBe(5);
  });
});

describe('paging', () => {
  const items = Array.from({ length: 23 }, (_, i) => i);
  it('counts pages', () => {
    expect(pageCount(23, 10)).toBe(3);
    expect(pageCount(0, 10)).toBe(1);
    expect(pageCount(300, 25)).toBe(12);
  });
  it('slices a page', () => {
    expect(pageSlice(items, 0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pageSlice(items, 2, 10)).toEqual([20, 21, 22]);
  });
  it('clamps a page that no longer exists (people left)', () => {
    expect(clampPage(5, 23, 10)).toBe(2);
    expect(clampPage(-1, 23, 10)).toBe(0);
    expect(pageSlice(items, 9, 10)).toEqual([20, 21, 22]);
  });
});

const peers = (...ids: string[]) => ids.map((peerId) => ({ peerId }));
const base: ArrangeInput = { layout: 'grid', selfId: 'me', peers: peers('a', 'b', 'c', 'd'), pinned: [], speakerId: null };
const keys = (tiles: { key: string }[]) => tiles.map((t) => t.key);

describe('arrangeRoom', () => {
  it('grid: no stage; ourselves first, then everyone in join order', () => {
    const r = arrangeRoom(base);
    expect(r.stage).toEqual([]);
    expect(keys(r.rest)).toEqual(['me:webcam', 'a:webcam', 'b:webcam', 'c:webcam', 'd:webcam']);
    expect(r.rest[0]!.self).toBe(true);
  });
  it('grid: pinned tiles lead the first page, in pin order', () => {
    const r = arrangeRoom({ ...base, pinned: ['d:webcam', 'b:webcam'] });
    expect(keys(r.rest)).toEqual(['d:webcam', 'b:webcam', 'me:webcam', 'a:webcam', 'c:webcam']);
  });
  it('grid: a pin of someone who left is ignored', () => {
    expect(keys(arrangeRoom({ ...base, pinned: ['gone:webcam'] }).rest)).toHaveLength(5);
  });
  it('a screen share takes the stage in every layout', () => {
    for (const layout of ['grid', 'speaker', 'chair'] as const) {
      const r = arrangeRoom({ ...base, layout, peers: [{ peerId: 'a' }, { peerId: 'b', sharingScreen: true }] });
      expect(r.stage[0]).toMatchObject({ key: 'b:screen', source: 'screen', peerId: 'b' });
      // The sharer's camera is still shown.
      expect([...keys(r.stage), ...keys(r.rest)]).toContain('b:webcam');
    }
  });
  it('speaker: the current speaker is large, everyone else in the strip', () => {
    const r = arrangeRoom({ ...base, layout: 'speaker', speakerId: 'c' });
    expect(keys(r.stage)).toEqual(['c:webcam']);
    expect(keys(r.rest)).toEqual(['me:webcam', 'a:webcam', 'b:webcam', 'd:webcam']);
  });
  it('speaker: without a speaker yet, the first other participant is large', () => {
    expect(keys(arrangeRoom({ ...base, layout: 'speaker' }).stage)).toEqual(['a:webcam']);
  });
  it('speaker: alone, we see ourselves', () => {
    expect(keys(arrangeRoom({ ...base, layout: 'speaker', peers: [] }).stage)).toEqual(['me:webcam']);
  });
  it('speaker: a pinned tile holds the stage instead of the speaker', () => {
    const r = arrangeRoom({ ...base, layout: 'speaker', speakerId: 'c', pinned: ['a:webcam'] });
    expect(keys(r.stage)).toEqual(['a:webcam']);
    expect(keys(r.rest)).toContain('c:webcam');
  });
  it('chair focus: the chair and the speaker are large', () => {
    const r = arrangeRoom({ ...base, layout: 'chair', chairId: 'b', speakerId: 'd' });
    expect(keys(r.stage)).toEqual(['b:webcam', 'd:webcam']);
    expect(keys(r.rest)).toEqual(['me:webcam', 'a:webcam', 'c:webcam']);
  });
  it('chair focus: when the chair speaks, the chair alone is large', () => {
    expect(keys(arrangeRoom({ ...base, layout: 'chair', chairId: 'b', speakerId: 'b' }).stage)).toEqual(['b:webcam']);
  });
  it('chair focus: we may be the chair ourselves', () => {
    expect(keys(arrangeRoom({ ...base, layout: 'chair', chairId: 'me', speakerId: 'a' }).stage)).toEqual(['me:webcam', 'a:webcam']);
  });
  it('chair focus: without the chair present, the speaker or someone is large', () => {
    expect(keys(arrangeRoom({ ...base, layout: 'chair', chairId: null, speakerId: null }).stage)).toEqual(['a:webcam']);
  });
  it('the stage holds at most MAX_STAGE tiles', () => {
    const r = arrangeRoom({ ...base, layout: 'speaker', pinned: ['a:webcam', 'b:webcam', 'c:webcam', 'd:webcam', 'me:webcam'] });
    expect(r.stage).toHaveLength(MAX_STAGE);
    expect(r.stage.length + r.rest.length).toBe(5);
  });
  it('every camera appears exactly once', () => {
    for (const layout of ['grid', 'speaker', 'chair'] as const) {
      const r = arrangeRoom({ ...base, layout, chairId: 'a', speakerId: 'b', pinned: ['c:webcam'] });
      const all = keys([...r.stage, ...r.rest]).filter((k) => k.endsWith(':webcam'));
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(5);
    }
  });
  it('our own screen share is shown after the others', () => {
    const r = arrangeRoom({ ...base, selfSharing: true, peers: [{ peerId: 'a', sharingScreen: true }] });
    expect(keys(r.stage)).toEqual(['a:screen', 'me:screen']);
  });
});

describe('pins and the stage speaker', () => {
  it('toggles a pin', () => {
    expect(togglePin([], 'a:webcam')).toEqual(['a:webcam']);
    expect(togglePin(['a:webcam', 'b:webcam'], 'a:webcam')).toEqual(['b:webcam']);
  });
  it('keeps the last remote speaker while we speak or all are silent', () => {
    const present = new Set(['a', 'b']);
    expect(nextStageSpeaker(null, 'a', 'me', present)).toBe('a');
    expect(nextStageSpeaker('a', null, 'me', present)).toBe('a');
    expect(nextStageSpeaker('a', 'me', 'me', present)).toBe('a');
    expect(nextStageSpeaker('a', 'b', 'me', present)).toBe('b');
    expect(nextStageSpeaker('a', null, 'me', new Set(['b']))).toBe(null);
  });
  it('knows its layouts', () => {
    expect(isLayoutKind('grid')).toBe(true);
    expect(isLayoutKind('tiles')).toBe(false);
    expect(tileKey('x', 'screen')).toBe('x:screen');
  });
});
