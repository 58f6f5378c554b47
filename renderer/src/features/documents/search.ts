/**
 * From pdf.js's find controller to our text-layer highlights. PDFFindController (see
 * navigation.ts) does the matching: case, Unicode forms, and diacritics ignored unless asked.
 * It reports a page's matches as offsets into its page text: the items' strings joined, with a
 * "\n" after an item that ends a line (`hasEOL`). The text layer has one element per item, so a
 * match becomes an item and offset for its start and its end.
 */

export interface TextMatch {
  /** Index of the text item where the match starts and the offset in it; same for the end (exclusive). */
  startItem: number;
  startOffset: number;
  endItem: number;
  endOffset: number;
}

export interface FindItem {
  str: string;
  hasEOL?: boolean;
}

/** Converts a page's matches (`starts[i]`, `lengths[i]` in the find controller's page text) to item ranges. */
export function toItemMatches(items: readonly FindItem[], starts: readonly number[], lengths: readonly number[]): TextMatch[] {
  if (items.length === 0) return [];
  // Where each item starts in the page text.
  const at: number[] = [];
  let pos = 0;
  for (const item of items) {
    at.push(pos);
    pos += item.str.length + (item.hasEOL ? 1 : 0);
  }
  /** The item holding offset `p` (for an end, the character before it) and the offset in that item. */
  const locate = (p: number, isEnd: boolean): [number, number] => {
    const probe = isEnd ? p - 1 : p;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (at[mid]! <= probe) lo = mid;
      else hi = mid - 1;
    }
    const len = items[lo]!.str.length;
    let offset = p - at[lo]!;
    // On a line end (the "\n" after the item): the end of this item, or the start of the next one.
    if (offset > len || (!isEnd && offset === len)) {
      if (!isEnd && lo + 1 < items.length) return [lo + 1, 0];
      offset = len;
    }
    return [lo, Math.max(0, offset)];
  };
  const out: TextMatch[] = [];
  starts.forEach((start, i) => {
    const length = lengths[i] ?? 0;
    if (length <= 0) return;
    const [startItem, startOffset] = locate(start, false);
    const [endItem, endOffset] = locate(start + length, true);
    out.push({ startItem, startOffset, endItem, endOffset });
  });
  return out;
}

/**
 * "đ" and "Đ" are letters of their own in Unicode (no decomposition to "d" plus a mark), so
 * pdf.js's diacritic-insensitive search does not let "dieu" find "điều". Folding them to "d" and
 * "D" keeps every index in place (one character for one), so the matches still point into the
 * page text.
 */
export const foldD = (s: string): string => s.replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'));

/** The top of a destination on its page, in PDF units from the bottom, or null (the top of the page). */
export function destinationTop(destArray: unknown): number | null {
  if (!Array.isArray(destArray)) return null;
  const kind = (destArray[1] as { name?: string } | undefined)?.name;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  switch (kind) {
    case 'XYZ':
      return n(destArray[3]);
    case 'FitH':
    case 'FitBH':
      return n(destArray[2]);
    case 'FitR':
      return n(destArray[5]);
    default:
      return null;
  }
}
