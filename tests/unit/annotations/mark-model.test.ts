/** The annotation mark model: streaming strokes, merging replicas, defensive reading, hit-testing, who may erase. */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { addMark, extendMark, marksAt, mayErase, pageKey, pageMarks, readMark, readPage, removeMarks, WIDTHS, type MarkInit } from '../../../renderer/src/features/annotations/mark-model';

const ME = 'acc-me';
const origin = { mine: true };
const stroke = (id: string, points: number[], extra: Partial<MarkInit> = {}): MarkInit => ({ id, author: ME, authorName: 'Tôi', tool: 'pen', color: '#d62828', width: WIDTHS.pen, points, ...extra });

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('marks', () => {
  it('a stroke streams: every appended batch reaches the other replica as its own small update', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => {
      updates.push(u);
      Y.applyUpdate(b, u);
    });
    const points = addMark(a, 'v1', 3, stroke('s1', [0.1, 0.1]), origin);
    expect(readPage(b, 'v1', 3)[0]?.points).toEqual([0.1, 0.1]);
    extendMark(points, [0.2, 0.25, 0.3, 0.35], origin);
    expect(readPage(b, 'v1', 3)[0]?.points).toEqual([0.1, 0.1, 0.2, 0.25, 0.3, 0.35]);
    expect(updates).toHaveLength(2);
    expect(updates[1]!.byteLength).toBeLessThan(100);
    // Out of the page: clamped to it.
    extendMark(points, [1.7, -3], origin);
    expect(readPage(b, 'v1', 3)[0]?.points.slice(-2)).toEqual([1, 0]);
    // Pages and versions are separate.
    expect(readPage(b, 'v1', 2)).toEqual([]);
    expect(readPage(b, 'v2', 3)).toEqual([]);
    expect(pageKey('v1', 3)).toBe('marks/v1/3');
  });

  it('two replicas that drew on the same new page while apart keep both marks', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addMark(a, 'v1', 1, stroke('from-a', [0.1, 0.1, 0.2, 0.2]), origin);
    addMark(b, 'v1', 1, stroke('from-b', [0.5, 0.5, 0.6, 0.6]), origin);
    addMark(b, 'v1', 1, stroke('note-b', [0.4, 0.4], { tool: 'note', text: 'Đề nghị sửa điều 3' }), origin);
    sync(a, b);
    expect(readPage(a, 'v1', 1).map((m) => m.id).sort()).toEqual(['from-a', 'from-b', 'note-b']);
    expect(readPage(a, 'v1', 1).map((m) => m.id)).toEqual(readPage(b, 'v1', 1).map((m) => m.id));
    expect(readPage(a, 'v1', 1).find((m) => m.id === 'note-b')?.text).toBe('Đề nghị sửa điều 3');
  });

  it('reads malformed entries as nothing instead of breaking the page', () => {
    const doc = new Y.Doc();
    const arr = pageMarks(doc, 'v1', 1);
    const bad = (fields: Record<string, unknown>) => {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(fields)) m.set(k, v);
      return m;
    };
    const goodPoints = () => Y.Array.from([0.1, 0.2]);
    arr.push([
      bad({ id: 'x', author: 'a', tool: 'laser', color: '#000000', points: goodPoints() }),
      bad({ id: 'x', author: 'a', tool: 'pen', color: 'red; background:url(x)', points: goodPoints() }),
      bad({ id: 'x', author: 'a', tool: 'pen', color: '#000000', points: [0.1, 0.2] }),
      bad({ id: 'x', author: 'a', tool: 'pen', color: '#000000', points: Y.Array.from(['a', 'b']) }),
    ]);
    arr.push(['not a map' as unknown as Y.Map<unknown>]);
    addMark(doc, 'v1', 1, stroke('ok', [0.1, 0.2, 0.3]), origin);
    expect(readPage(doc, 'v1', 1).map((m) => m.id)).toEqual(['ok']);
    // An odd number of coordinates drops the dangling one.
    expect(readPage(doc, 'v1', 1)[0]?.points).toEqual([0.1, 0.2]);
    expect(readMark(null)).toBeNull();
  });

  it('removes whole marks by id, and undo (scoped to my own origin) brings them back', () => {
    const doc = new Y.Doc();
    addMark(doc, 'v1', 1, stroke('a', [0.1, 0.1]), origin);
    addMark(doc, 'v1', 1, stroke('b', [0.5, 0.5]), { other: true });
    const undo = new Y.UndoManager(pageMarks(doc, 'v1', 1), { trackedOrigins: new Set([origin]) });
    expect(removeMarks(doc, 'v1', 1, new Set(['b']), origin)).toBe(1);
    expect(readPage(doc, 'v1', 1).map((m) => m.id)).toEqual(['a']);
    undo.undo();
    expect(readPage(doc, 'v1', 1).map((m) => m.id).sort()).toEqual(['a', 'b']);
    // Someone else's change is not on my undo stack.
    addMark(doc, 'v1', 1, stroke('c', [0.9, 0.9]), { other: true });
    undo.undo();
    expect(readPage(doc, 'v1', 1).map((m) => m.id).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('hit-testing and erasing rights', () => {
  const doc = new Y.Doc();
  addMark(doc, 'v1', 1, stroke('line', [0.1, 0.5, 0.9, 0.5]), origin);
  addMark(doc, 'v1', 1, stroke('dot', [0.2, 0.2]), origin);
  addMark(doc, 'v1', 1, stroke('hl', [0.1, 0.8, 0.9, 0.8], { tool: 'highlighter', width: WIDTHS.highlighter, color: '#facc15', author: 'someone', authorName: 'Người khác' }), origin);
  addMark(doc, 'v1', 1, stroke('note', [0.6, 0.1], { tool: 'note', text: 'Ý kiến' }), origin);
  const marks = readPage(doc, 'v1', 1);
  const ids = (x: number, y: number) => marksAt(marks, x, y, 1.414, 0.008).map((m) => m.id);

  it('finds strokes near their segments, dots, wide highlighters and notes', () => {
    expect(ids(0.5, 0.5)).toEqual(['line']);
    expect(ids(0.5, 0.504)).toEqual(['line']);
    expect(ids(0.5, 0.53)).toEqual([]);
    expect(ids(0.201, 0.2)).toEqual(['dot']);
    expect(ids(0.5, 0.805)).toEqual(['hl']);
    expect(ids(0.65, 0.12)).toEqual(['note']);
    expect(ids(0.95, 0.95)).toEqual([]);
  });

  it('in the shared layer only my own marks unless I chair or take the minutes; in my private layer all', () => {
    const hl = marks.find((m) => m.id === 'hl')!;
    const line = marks.find((m) => m.id === 'line')!;
    expect(mayErase(line, ME, 'shared', false)).toBe(true);
    expect(mayErase(hl, ME, 'shared', false)).toBe(false);
    expect(mayErase(hl, ME, 'shared', true)).toBe(true);
    expect(mayErase(hl, ME, 'private', false)).toBe(true);
  });
});
