/**
 * The annotation model over Yjs, and nothing else (no DOM, no React): what a mark is, where it
 * lives in a layer's Y.Doc, how it is read back defensively, and which mark is under the pointer.
 *
 * Layout of a layer document (one per document: `doc/<id>/shared`, `doc/<id>/private/<me>`):
 *   top-level Y.Array `marks/<versionId>/<pageNumber>` → Y.Map per mark:
 *     id, author (accountId), authorName, tool, color, width, at (ISO), text (notes),
 *     points: Y.Array<number> (x0, y0, x1, y1, … normalised 0..1 to the page, so zoom is irrelevant)
 * Top-level types merge when two offline replicas create the same page at once (nested maps set
 * under one key would not: one would win and the other's marks be lost).
 */
import * as Y from 'yjs';

export const TOOLS = ['pen', 'highlighter', 'note'] as const;
export type MarkTool = (typeof TOOLS)[number];

export interface Mark {
  id: string;
  author: string;
  authorName: string;
  tool: MarkTool;
  color: string;
  /** Stroke width as a fraction of the page width. */
  width: number;
  /** Flat x, y pairs in 0..1 page coordinates; a note has one point (its top-left corner). */
  points: number[];
  text: string;
  at: string;
}

export interface MarkInit {
  id: string;
  author: string;
  authorName: string;
  tool: MarkTool;
  color: string;
  width: number;
  points: number[];
  text?: string;
}

export const COLORS = ['#d62828', '#1d4ed8', '#15803d', '#111827', '#f59e0b', '#9333ea'] as const;
export const HIGHLIGHTER_COLORS = ['#facc15', '#4ade80', '#60a5fa', '#f472b6'] as const;
/** Widths as fractions of the page width: a thin pen, a wide highlighter. */
export const WIDTHS = { pen: 0.0025, highlighter: 0.018, note: 0 } as const;

const COLOR = /^#[0-9a-fA-F]{6}$/;
const MAX_POINTS = 20_000;
const MAX_TEXT = 2000;

export function pageKey(versionId: string, page: number): string {
  return `marks/${versionId}/${page}`;
}

export function pageMarks(doc: Y.Doc, versionId: string, page: number): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(pageKey(versionId, page));
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Adds a mark to a page (in the caller's transaction if any) and returns its live points array. */
export function addMark(doc: Y.Doc, versionId: string, page: number, init: MarkInit, origin: unknown): Y.Array<number> {
  const map = new Y.Map<unknown>();
  const points = new Y.Array<number>();
  doc.transact(() => {
    map.set('id', init.id);
    map.set('author', init.author);
    map.set('authorName', init.authorName);
    map.set('tool', init.tool);
    map.set('color', init.color);
    map.set('width', init.width);
    map.set('at', new Date().toISOString());
    if (init.text !== undefined) map.set('text', init.text.slice(0, MAX_TEXT));
    points.push(init.points.map(clamp01));
    map.set('points', points);
    pageMarks(doc, versionId, page).push([map]);
  }, origin);
  return points;
}

/** Appends points to a stroke being drawn (streamed to the others as it grows). */
export function extendMark(points: Y.Array<number>, more: number[], origin: unknown): void {
  if (more.length === 0 || !points.doc) return;
  const room = MAX_POINTS * 2 - points.length;
  if (room <= 0) return;
  points.doc.transact(() => points.push(more.slice(0, room - (room % 2)).map(clamp01)), origin);
}

/** Removes marks by id from a page; returns how many were removed. */
export function removeMarks(doc: Y.Doc, versionId: string, page: number, ids: ReadonlySet<string>, origin: unknown): number {
  const arr = pageMarks(doc, versionId, page);
  let removed = 0;
  doc.transact(() => {
    for (let i = arr.length - 1; i >= 0; i--) {
      const id = arr.get(i).get('id');
      if (typeof id === 'string' && ids.has(id)) {
        arr.delete(i, 1);
        removed++;
      }
    }
  }, origin);
  return removed;
}

/**
 * Reads one mark; null for anything malformed (another client may send anything: such entries
 * are not drawn rather than breaking the page).
 */
export function readMark(map: unknown): Mark | null {
  if (!(map instanceof Y.Map)) return null;
  const id = map.get('id');
  const author = map.get('author');
  const authorName = map.get('authorName');
  const tool = map.get('tool');
  const color = map.get('color');
  const width = map.get('width');
  const points = map.get('points');
  const text = map.get('text');
  const at = map.get('at');
  if (typeof id !== 'string' || typeof author !== 'string' || typeof tool !== 'string' || !(TOOLS as readonly string[]).includes(tool)) return null;
  if (typeof color !== 'string' || !COLOR.test(color)) return null;
  if (!(points instanceof Y.Array)) return null;
  const flat = (points.toArray() as unknown[]).slice(0, MAX_POINTS * 2);
  if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  if (flat.length % 2 === 1) flat.pop();
  return {
    id,
    author,
    authorName: typeof authorName === 'string' ? authorName.slice(0, 200) : '',
    tool: tool as MarkTool,
    color,
    width: typeof width === 'number' && Number.isFinite(width) ? Math.min(Math.max(width, 0), 0.1) : WIDTHS.pen,
    points: (flat as number[]).map(clamp01),
    text: typeof text === 'string' ? text.slice(0, MAX_TEXT) : '',
    at: typeof at === 'string' ? at : '',
  };
}

export function readPage(doc: Y.Doc, versionId: string, page: number): Mark[] {
  const out: Mark[] = [];
  for (const m of pageMarks(doc, versionId, page)) {
    const mark = readMark(m);
    if (mark) out.push(mark);
  }
  return out;
}

/** Rough size of a note on the page, as fractions of the page (for hit-testing). */
export const NOTE_SIZE = { w: 0.22, h: 0.06 } as const;

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * The marks under a point (page coordinates), topmost first. `aspect` is page height / width, so
 * distances are measured on the page as it looks; `tolerance` is a fraction of the page width.
 */
export function marksAt(marks: readonly Mark[], x: number, y: number, aspect: number, tolerance: number): Mark[] {
  const hits: Mark[] = [];
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i]!;
    const p = m.points;
    if (m.tool === 'note') {
      const nx = p[0] ?? 0;
      const ny = p[1] ?? 0;
      if (x >= nx - tolerance && x <= nx + NOTE_SIZE.w + tolerance && y >= ny - tolerance / aspect && y <= ny + NOTE_SIZE.h / aspect + tolerance / aspect) hits.push(m);
      continue;
    }
    const reach = tolerance + m.width / 2;
    if (p.length === 2) {
      if (Math.hypot(x - p[0]!, (y - p[1]!) * aspect) <= reach) hits.push(m);
      continue;
    }
    for (let j = 0; j + 3 < p.length; j += 2) {
      if (distanceToSegment(x, y * aspect, p[j]!, p[j + 1]! * aspect, p[j + 2]!, p[j + 3]! * aspect) <= reach) {
        hits.push(m);
        break;
      }
    }
  }
  return hits;
}

/** Who may erase a mark: its author; in the shared layer also the meeting's chair and secretary. */
export function mayErase(mark: Mark, me: string, layer: 'shared' | 'private', moderator: boolean): boolean {
  return layer === 'private' || mark.author === me || moderator;
}
