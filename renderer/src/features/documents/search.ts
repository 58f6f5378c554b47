/**
 * Text search in a document: Vietnamese with its diacritics. Texts are compared in Unicode NFC
 * and lower case (Vietnamese locale), so "quảng ninh" finds "QUẢNG NINH" whether the PDF's text
 * was extracted composed or decomposed; the diacritics still count ("Quang" does not find
 * "Quảng").
 */

/** Normalises for comparison, keeping a map from each normalised character to its source index. */
export function normalise(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  // Walk by grapheme-ish runs: a base character and its combining marks normalise together.
  const re = /\P{M}\p{M}*|\p{M}+/gu;
  for (const m of text.matchAll(re)) {
    const piece = m[0].normalize('NFC').toLocaleLowerCase('vi');
    for (let i = 0; i < piece.length; i++) map.push(m.index);
    out += piece;
  }
  map.push(text.length);
  return { text: out, map };
}

export interface TextMatch {
  /** Index of the text item where the match starts and the offset in it; same for the end (exclusive). */
  startItem: number;
  startOffset: number;
  endItem: number;
  endOffset: number;
}

/**
 * Finds every occurrence of `query` in a page's text items (pdf.js TextContent items' `str`),
 * across item boundaries (items are joined without separators, as pdf.js's own find does for
 * items on a line).
 */
export function findInItems(items: readonly string[], query: string): TextMatch[] {
  const q = normalise(query.trim()).text;
  if (!q) return [];
  const joined = items.join('');
  const starts: number[] = [];
  let pos = 0;
  for (const s of items) {
    starts.push(pos);
    pos += s.length;
  }
  const { text, map } = normalise(joined);
  const locate = (sourceIndex: number, isEnd: boolean): [number, number] => {
    // The item holding sourceIndex (for an end, the item holding the character before it).
    const at = isEnd ? sourceIndex - 1 : sourceIndex;
    let item = 0;
    for (let i = 0; i < starts.length; i++) if (starts[i]! <= at && items[i]!.length > 0) item = i;
    return [item, sourceIndex - starts[item]!];
  };
  const out: TextMatch[] = [];
  let from = 0;
  for (;;) {
    const i = text.indexOf(q, from);
    if (i < 0) break;
    const srcStart = map[i]!;
    const srcEnd = map[i + q.length] ?? joined.length;
    const [startItem, startOffset] = locate(srcStart, false);
    const [endItem, endOffset] = locate(srcEnd, true);
    out.push({ startItem, startOffset, endItem, endOffset });
    from = i + Math.max(1, q.length);
  }
  return out;
}
