/**
 * Authorship of marks in a shared layer, checked on the update bytes a client would send: real
 * Y.Docs, the renderer's own mark model, the server's replica as it would be.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { markAuthorshipGuard } from '../../../sfu-server/src/collab/mark-authorship';
import { addMark, extendMark, pageMarks, readPage, removeMarks } from '../../../renderer/src/features/annotations/mark-model';

const A = { accountId: 'acc-a', displayName: 'Đại biểu An' };
const B = { accountId: 'acc-b', displayName: 'Đại biểu Bình' };
const V = 'v1';

/** The server's replica and one client per person, in sync. */
function setup() {
  const server = new Y.Doc();
  const clients = { a: new Y.Doc(), b: new Y.Doc() };
  return { server, ...clients };
}

/** What `doc` would send the server now (everything the server lacks, plus what it deleted). */
function pending(server: Y.Doc, doc: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server));
}

/** Sends a client's changes through the guard of `who`; applied (and spread to the others) only if allowed. */
function send(server: Y.Doc, from: Y.Doc, who: typeof A, others: Y.Doc[] = []): string | null {
  const update = pending(server, from);
  const refusal = markAuthorshipGuard(who)(server, update);
  if (refusal === null) {
    Y.applyUpdate(server, update);
    for (const o of others) Y.applyUpdate(o, Y.encodeStateAsUpdate(server));
  }
  return refusal;
}

const draw = (doc: Y.Doc, who: typeof A, id: string, page = 1) =>
  addMark(doc, V, page, { id, author: who.accountId, authorName: who.displayName, tool: 'pen', color: '#d62828', width: 0.0025, points: [0.1, 0.1, 0.2, 0.2] }, null);

describe('mark authorship in a shared layer', () => {
  it('lets each person draw, extend, annotate and erase their own marks', () => {
    const { server, a, b } = setup();
    const points = draw(a, A, 'a1');
    expect(send(server, a, A, [b])).toBeNull();
    extendMark(points, [0.3, 0.3], null);
    expect(send(server, a, A, [b])).toBeNull();
    addMark(a, V, 2, { id: 'a2', author: A.accountId, authorName: A.displayName, tool: 'note', color: '#fde68a', width: 0, points: [0.5, 0.5], text: 'Đề nghị làm rõ số liệu' }, null);
    expect(send(server, a, A, [b])).toBeNull();
    expect(removeMarks(a, V, 1, new Set(['a1']), null)).toBe(1);
    expect(send(server, a, A, [b])).toBeNull();
    expect(readPage(b, V, 1)).toEqual([]);
    expect(readPage(b, V, 2).map((m) => m.text)).toEqual(['Đề nghị làm rõ số liệu']);
  });

  it('refuses a mark in another person’s name or under another name', () => {
    const { server, b } = setup();
    draw(b, A, 'forged');
    expect(send(server, b, B)).toBe('a mark in another person’s name');
    const c = new Y.Doc();
    draw(c, { accountId: B.accountId, displayName: 'Chủ tọa' }, 'renamed');
    expect(send(server, c, B)).toBe('a mark under another name');
    expect(readPage(server, V, 1)).toEqual([]);
  });

  it("refuses extending, changing, re-signing or erasing someone else's mark; the server's replica is untouched", () => {
    const { server, a } = setup();
    draw(a, A, 'a1');
    expect(send(server, a, A)).toBeNull();
    const before = Y.encodeStateAsUpdate(server);
    const tries: [string, (theirs: Y.Map<unknown>, b: Y.Doc) => void][] = [
      ['extend', (m) => extendMark(m.get('points') as Y.Array<number>, [0.9, 0.9], null)],
      ['recolour', (m) => m.set('color', '#111827')],
      ['re-sign', (m) => m.set('author', B.accountId)],
      ['rename', (m) => m.set('authorName', B.displayName)],
      ['erase', (_m, b) => removeMarks(b, V, 1, new Set(['a1']), null)],
      ['erase a point', (m) => (m.get('points') as Y.Array<number>).delete(0, 2)],
    ];
    for (const [what, change] of tries) {
      // Each attempt from a fresh replica of what B received.
      const b = new Y.Doc();
      Y.applyUpdate(b, before);
      change(pageMarks(b, V, 1).get(0), b);
      expect(send(server, b, B), what).not.toBeNull();
      expect(Y.encodeStateAsUpdate(server), what).toEqual(before);
    }
  });

  it("a reconnecting client's full resync carries others' marks the server already has: only its own new ones are checked", () => {
    const { server, a, b } = setup();
    draw(a, A, 'a1');
    expect(send(server, a, A, [b])).toBeNull();
    // B goes offline, draws; on reconnect it sends its whole state (as a stock client's sync step 2 may).
    draw(b, B, 'b1');
    const whole = Y.encodeStateAsUpdate(b);
    expect(markAuthorshipGuard(B)(server, whole)).toBeNull();
    Y.applyUpdate(server, whole);
    expect(readPage(server, V, 1).map((m) => `${m.id}:${m.author}`).sort()).toEqual(['a1:acc-a', 'b1:acc-b']);
  });

  it('leaves content outside the marks alone, and throws on bytes that are not an update', () => {
    const { server } = setup();
    const c = new Y.Doc();
    c.getMap('meta').set('by', 'B');
    c.getArray('strokes').push(['nét']);
    expect(send(server, c, B)).toBeNull();
    expect(() => markAuthorshipGuard(B)(server, new Uint8Array([1, 2, 3, 4, 5, 6]))).toThrow();
  });

  it("accepts a big layer's whole state at once (a client resyncing after a long offline session)", () => {
    const { server, a } = setup();
    a.transact(() => {
      for (let i = 0; i < 1000; i++) {
        const points = draw(a, A, `a${i}`, 1 + (i % 5));
        for (let k = 0; k < 4; k++) extendMark(points, [k / 10, k / 10], null);
      }
    });
    expect(send(server, a, A)).toBeNull();
    expect(readPage(server, V, 1)).toHaveLength(200);
  });
});

/**
 * Yjs keeps an update whose dependencies are missing *pending* and applies it when they arrive.
 * Both attacks send such an update about items the server does not have yet (the victim's next
 * ones: a client's id and next clock are visible in every update it broadcasts).
 */
describe('updates that depend on what the server does not have yet (Yjs pending updates)', () => {
  const CHAIR = { accountId: 'acc-chair', displayName: 'Chủ tọa' };

  /** A replica of `of` (same client id) as it is now: what the victim will do next can be rehearsed on it. */
  function rehearsal(of: Y.Doc): Y.Doc {
    const ghost = new Y.Doc();
    Y.applyUpdate(ghost, Y.encodeStateAsUpdate(of));
    // After the state: Yjs gives a replica a new id when an update brings in its own client's items.
    ghost.clientID = of.clientID;
    return ghost;
  }

  it("refuses erasing the chair's future marks (a deletion of clocks the server does not have)", () => {
    const server = new Y.Doc();
    const chair = new Y.Doc();
    draw(chair, CHAIR, 'c0');
    Y.applyUpdate(server, pending(server, chair)); // the chair moderates: no guard
    // The delegate rehearses the chair's next marks on a replica with the chair's client id, erases
    // them there and sends only the deletions (diffUpdate against its own state vector: no items).
    const ghost = rehearsal(chair);
    for (let i = 0; i < 20; i++) draw(ghost, CHAIR, `ghost${i}`);
    removeMarks(ghost, V, 1, new Set(Array.from({ length: 20 }, (_, i) => `ghost${i}`)), null);
    const attack = Y.diffUpdate(Y.encodeStateAsUpdate(ghost), Y.encodeStateVector(ghost));
    const refusal = markAuthorshipGuard(A)(server, attack);
    expect(refusal).toBe('a deletion of changes the server does not have');
    if (refusal === null) Y.applyUpdate(server, attack);
    // The chair then draws: the mark must stay on the server.
    draw(chair, CHAIR, 'c1');
    Y.applyUpdate(server, pending(server, chair));
    expect(readPage(server, V, 1).map((m) => m.id)).toEqual(['c0', 'c1']);
    expect(server.store.pendingDs).toBeNull();
  });

  it("refuses pre-writing the text of someone else's next note (an item whose neighbour the server does not have)", () => {
    const server = new Y.Doc();
    const b = new Y.Doc();
    draw(b, B, 'b0');
    expect(send(server, b, B)).toBeNull();
    const note = { id: 'b-note', author: B.accountId, authorName: B.displayName, tool: 'note' as const, color: '#fde68a', width: 0, points: [0.5, 0.5], text: 'Nhất trí' };
    // A rehearses B's next note on a replica with B's client id, then writes over its text from
    // A's own replica and sends only that (neither B's note nor anything of B's is in it).
    const ghost = rehearsal(b);
    addMark(ghost, V, 1, note, null);
    const atk = new Y.Doc();
    Y.applyUpdate(atk, Y.encodeStateAsUpdate(ghost));
    const before = Y.encodeStateVector(atk);
    pageMarks(atk, V, 1).get(1).set('text', 'Không nhất trí');
    const attack = Y.encodeStateAsUpdate(atk, before);
    const refusal = markAuthorshipGuard(A)(server, attack);
    expect(refusal).toBe('an update that depends on changes the server does not have');
    if (refusal === null) Y.applyUpdate(server, attack);
    // B writes the note: it must say what B wrote.
    addMark(b, V, 1, note, null);
    expect(send(server, b, B)).toBeNull();
    expect(readPage(server, V, 1).find((m) => m.id === 'b-note')?.text).toBe('Nhất trí');
    expect(server.store.pendingStructs).toBeNull();
  });

  it('refuses an update with a gap in its own clocks, and one hanging on an unknown parent', () => {
    const server = new Y.Doc();
    const a = new Y.Doc();
    draw(a, A, 'a0');
    const first = pending(server, a);
    draw(a, A, 'a1');
    const second = Y.encodeStateAsUpdate(a, Y.encodeStateVector((() => { const d = new Y.Doc(); Y.applyUpdate(d, first); return d; })()));
    // The second stroke without the first: Yjs would hold it until the first arrives.
    expect(markAuthorshipGuard(A)(server, second)).toBe('an update that depends on changes the server does not have');
    expect(markAuthorshipGuard(A)(server, first)).toBeNull();
    Y.applyUpdate(server, first);
    expect(markAuthorshipGuard(A)(server, second)).toBeNull();
  });

  it('an honest stream of updates, a resync and a reconnect after the server lost its last updates all pass', () => {
    const server = new Y.Doc();
    const a = new Y.Doc();
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updates.push(u));
    const points = draw(a, A, 'a0');
    for (let i = 0; i < 10; i++) extendMark(points, [i / 10, i / 10], null);
    removeMarks(a, V, 1, new Set(['a0']), null);
    draw(a, A, 'a1');
    for (const u of updates) {
      expect(markAuthorshipGuard(A)(server, u)).toBeNull();
      Y.applyUpdate(server, u);
    }
    // A server that lost the last updates (crash) gets them back in the client's step 2.
    const lost = new Y.Doc();
    Y.applyUpdate(lost, Y.mergeUpdates(updates.slice(0, 3)));
    expect(markAuthorshipGuard(A)(lost, Y.encodeStateAsUpdate(a, Y.encodeStateVector(lost)))).toBeNull();
    expect(markAuthorshipGuard(A)(new Y.Doc(), Y.encodeStateAsUpdate(a))).toBeNull();
  });
});
