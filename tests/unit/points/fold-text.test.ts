import { describe, expect, it } from 'vitest';
import { foldedMatcher, foldText } from '../../../renderer/src/features/points/fold-text';

describe('search without diacritics', () => {
  it('folds Vietnamese marks, đ and case', () => {
    expect(foldText('Ba Chẽ')).toBe('ba che');
    expect(foldText('ĐÔNG TRIỀU')).toBe('dong trieu');
    expect(foldText('Đầm Hà  ')).toBe('dam ha');
    expect(foldText('Hoành Bồ')).toBe('hoanh bo');
    // Composed and decomposed input fold alike.
    expect(foldText('Ba Che\u0303')).toBe('ba che');
  });

  it('"ba che" finds "Ba Chẽ", every word must occur, empty finds all', () => {
    const names = ['Phòng họp Ba Chẽ', 'Phòng họp Bình Liêu', 'UBND xã Đồn Đạc', 'Cô Tô'];
    const find = (q: string) => names.filter(foldedMatcher(q));
    expect(find('ba che')).toEqual(['Phòng họp Ba Chẽ']);
    expect(find('BA CHẼ')).toEqual(['Phòng họp Ba Chẽ']);
    expect(find('che ba')).toEqual(['Phòng họp Ba Chẽ']);
    expect(find('don dac')).toEqual(['UBND xã Đồn Đạc']);
    expect(find('co to')).toEqual(['Cô Tô']);
    expect(find('xyz')).toEqual([]);
    expect(find('  ')).toEqual(names);
  });
});
