/**
 * From pdf.js's find controller matches (offsets in its page text: items joined, "\n" after an
 * item that ends a line) to text-layer item ranges; "đ" folding; destinations' heights.
 */
import { describe, expect, it } from 'vitest';
import { destinationTop, foldD, toItemMatches } from '../../../renderer/src/features/documents/search';

describe('toItemMatches', () => {
  it('maps a match inside one item', () => {
    const items = [{ str: 'Báo cáo tình hình tỉnh Quảng Ninh' }, { str: ' năm 2026' }];
    expect(toItemMatches(items, [23], [10])).toEqual([{ startItem: 0, startOffset: 23, endItem: 0, endOffset: 33 }]);
  });

  it('counts the "\\n" after an item that ends a line, as the find controller does', () => {
    // Page text: "Ủy ban nhân dân\nQuảng Ninh" — "Quảng" starts at 16.
    const items = [{ str: 'Ủy ban nhân dân', hasEOL: true }, { str: 'Quảng Ninh' }];
    expect(toItemMatches(items, [16], [5])).toEqual([{ startItem: 1, startOffset: 0, endItem: 1, endOffset: 5 }]);
    // Without the EOL count it would land one character late; a match across the line end ends in the first item and starts in it.
    expect(toItemMatches(items, [12], [9])).toEqual([{ startItem: 0, startOffset: 12, endItem: 1, endOffset: 5 }]);
  });

  it('maps matches that run across items, and several per page', () => {
    const items = [{ str: 'Ủy ban nhân dân tỉnh Quả' }, { str: 'ng Ninh; Quảng Ninh' }];
    const found = toItemMatches(items, [21, 33], [10, 10]);
    expect(found[0]).toEqual({ startItem: 0, startOffset: 21, endItem: 1, endOffset: 7 });
    expect(found[1]).toEqual({ startItem: 1, startOffset: 9, endItem: 1, endOffset: 19 });
  });

  it('skips empty items and zero-length matches', () => {
    const items = [{ str: 'Hội' }, { str: '' }, { str: 'nghị' }];
    expect(toItemMatches(items, [3], [4])).toEqual([{ startItem: 2, startOffset: 0, endItem: 2, endOffset: 4 }]);
    expect(toItemMatches(items, [0], [0])).toEqual([]);
    expect(toItemMatches([], [0], [3])).toEqual([]);
  });
});

describe('foldD', () => {
  it('folds đ and Đ to d and D, one character for one', () => {
    expect(foldD('Điều hành, đẩy mạnh')).toBe('Dieu hành, dẩy mạnh'.replace('Dieu', 'Điều'.replace('Đ', 'D')));
    expect(foldD('đĐ')).toBe('dD');
    const s = 'Phương án điều hành';
    expect(foldD(s)).toHaveLength(s.length);
  });
});

describe('destinationTop', () => {
  it('reads the height from XYZ, FitH, FitBH and FitR destinations', () => {
    const ref = { num: 3, gen: 0 };
    expect(destinationTop([ref, { name: 'XYZ' }, 72, 700, 0])).toBe(700);
    expect(destinationTop([ref, { name: 'FitH' }, 500])).toBe(500);
    expect(destinationTop([ref, { name: 'FitBH' }, 400])).toBe(400);
    expect(destinationTop([ref, { name: 'FitR' }, 0, 0, 100, 300])).toBe(300);
  });
  it('gives null for the top of the page (Fit, missing or null values, not an array)', () => {
    expect(destinationTop([{ num: 1, gen: 0 }, { name: 'Fit' }])).toBeNull();
    expect(destinationTop([{ num: 1, gen: 0 }, { name: 'XYZ' }, null, null, null])).toBeNull();
    expect(destinationTop('chuong-1')).toBeNull();
  });
});
