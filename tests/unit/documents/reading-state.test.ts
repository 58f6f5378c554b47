/** The page left and the bookmarks, per account and document, in a key-value store; and zoom steps. */
import { describe, expect, it } from 'vitest';
import { readingKey, readReading, toggleBookmark, writeReading, type KeyValue } from '../../../renderer/src/features/documents/reading-state';
import { clampZoom, MAX_ZOOM, MIN_ZOOM, wheelFactor } from '../../../renderer/src/features/documents/zoom-steps';

const memory = (): KeyValue & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
};

describe('reading state', () => {
  it('keeps the page and bookmarks per account and per document', () => {
    const store = memory();
    writeReading(store, 'acc-1', 'doc-1', { page: 7, bookmarks: [9, 3, 3] });
    expect(readReading(store, 'acc-1', 'doc-1')).toEqual({ page: 7, bookmarks: [3, 9] });
    expect(readReading(store, 'acc-2', 'doc-1')).toEqual({ page: 1, bookmarks: [] });
    expect(readReading(store, 'acc-1', 'doc-2')).toEqual({ page: 1, bookmarks: [] });
  });

  it('ignores what is not a valid state (hand-edited, old or hostile storage)', () => {
    const store = memory();
    for (const bad of ['not json', '{"page":0,"bookmarks":[]}', '{"page":2,"bookmarks":["x"]}', '{"page":1e9,"bookmarks":[]}', 'null']) {
      store.map.set(readingKey('a', 'd'), bad);
      expect(readReading(store, 'a', 'd')).toEqual({ page: 1, bookmarks: [] });
    }
  });

  it('goes on without storage, or when storage refuses to write', () => {
    expect(readReading(null, 'a', 'd')).toEqual({ page: 1, bookmarks: [] });
    const full: KeyValue = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => writeReading(full, 'a', 'd', { page: 2, bookmarks: [] })).not.toThrow();
  });

  it('toggles a bookmark, keeping them in page order', () => {
    expect(toggleBookmark([2, 8], 5)).toEqual([2, 5, 8]);
    expect(toggleBookmark([2, 5, 8], 5)).toEqual([2, 8]);
  });
});

describe('zoom steps', () => {
  it('zooms in on wheel up and out on wheel down, about ×1.22 a notch, for pixel and line deltas', () => {
    expect(wheelFactor(-100, 0)).toBeCloseTo(1.2214, 3);
    expect(wheelFactor(100, 0)).toBeCloseTo(1 / 1.2214, 3);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-48, 0), 6);
    // One huge event does not jump to the limit.
    expect(wheelFactor(-100_000, 0)).toBeCloseTo(Math.exp(0.6), 6);
  });
  it('keeps the scale between the limits', () => {
    expect(clampZoom(100)).toBe(MAX_ZOOM);
    expect(clampZoom(0.01)).toBe(MIN_ZOOM);
    expect(clampZoom(1.5)).toBe(1.5);
  });
});
