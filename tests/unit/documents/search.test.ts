/** Vietnamese search in PDF text items: composed or decomposed text, any case, diacritics significant, across items. */
import { describe, expect, it } from 'vitest';
import { findInItems, normalise } from '../../../renderer/src/features/documents/search';

describe('normalise', () => {
  it('makes composed and decomposed Vietnamese equal, in lower case', () => {
    expect(normalise('QUẢNG NINH').text).toBe(normalise('qua\u0309ng ninh').text);
    expect(normalise('Quảng').text).not.toBe(normalise('Quang').text);
  });
  it('maps each normalised character back to its source index', () => {
    const { text, map } = normalise('Qua\u0309ng');
    expect(text).toBe('quảng');
    expect(map).toEqual([0, 1, 2, 4, 5, 6]);
  });
});

describe('findInItems', () => {
  it('finds a Vietnamese phrase with its diacritics, whatever the case or Unicode form', () => {
    const items = ['Báo cáo tình hình tỉnh Quảng Ninh', ' năm 2026'];
    expect(findInItems(items, 'quảng ninh')).toEqual([{ startItem: 0, startOffset: 23, endItem: 0, endOffset: 33 }]);
    expect(findInItems(['tỉnh QUA\u0309NG NINH'], 'Quảng Ninh')).toHaveLength(1);
    expect(findInItems(items, 'Quang Ninh')).toEqual([]);
  });

  it('finds matches that run across text items, and every occurrence', () => {
    const items = ['Ủy ban nhân dân tỉnh Quả', 'ng Ninh; Quảng Ninh'];
    const found = findInItems(items, 'Quảng Ninh');
    expect(found).toHaveLength(2);
    expect(found[0]).toEqual({ startItem: 0, startOffset: 21, endItem: 1, endOffset: 7 });
    expect(found[1]).toEqual({ startItem: 1, startOffset: 9, endItem: 1, endOffset: 19 });
  });

  it('ignores an empty query', () => {
    expect(findInItems(['abc'], '   ')).toEqual([]);
  });
});
