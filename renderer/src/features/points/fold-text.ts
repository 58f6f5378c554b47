/**
 * Search that ignores Vietnamese diacritics and case: "ba che" finds "Ba Chẽ", "dong" finds
 * "Đông". Text is decomposed (NFD), its combining marks dropped, đ/Đ mapped to d, lower-cased and
 * its spaces collapsed; a query matches when every one of its words occurs in the text.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A matcher for one query (folded once), to test many texts; an empty query matches everything. */
export function foldedMatcher(query: string): (text: string) => boolean {
  const words = foldText(query).split(' ').filter(Boolean);
  if (words.length === 0) return () => true;
  return (text) => {
    const folded = foldText(text);
    return words.every((w) => folded.includes(w));
  };
}
