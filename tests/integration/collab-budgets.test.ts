/**
 * Budgets of the collaboration endpoint, against a real server: frame size (1009), messages per
 * second (4429), layer size (4413, nothing applied, the client's status says so), awareness only
 * from writers, never echoed to its sender, small and only for the sender's own ids, and a
 * keep-alive that keeps a quiet stock client connected without the echo.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { eventually, firstClose, stockClient, synced, type StockClient } from '../support/collab-client';
import { RawCollabPeer } from '../support/raw-collab';
import { TestDocuments } from '../support/test-documents';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
const documents = new TestDocuments();
let admin: TestApi;
let a: Person, b: Person;
let meeting: Awaited<ReturnType<typeof liveMeeting>>;
const open: { close(): void }[] = [];
/** COLLAB_LAYER_MAX_MB below: a layer may hold 64 KiB; a frame may be 1 MiB + 64 KiB. */
const LAYER_BYTES = 64 * 1024;

async function raw(name: string, who: { token: string }): Promise<RawCollabPeer> {
  const p = await RawCollabPeer.open(server.url, name, who.token);
  open.push(p);
  return p;
}

function stock(name: string, who: { token: string }): StockClient {
  const c = stockClient(server.url, name, who.token);
  open.push({ close: () => c.destroy() });
  return c;
}

async function newDoc(meetingId = meeting.id): Promise<string> {
  const id = randomUUID();
  await documents.add(id, meetingId);
  return id;
}

beforeAll(async () => {
  server = await startTestServer({ COLLAB_LAYER_MAX_MB: String(LAYER_BYTES / 1024 / 1024) }, { documentAccess: documents });
  await documents.bind(server.store.db, server.meetings);
  admin = await TestApi.admin(server.url);
  a = await person(admin, 'delegate', 'Đại biểu Lê Văn An');
  b = await person(admin, 'delegate', 'Đại biểu Phạm Thị Bình');
  meeting = await liveMeeting(admin, [a, b]);
}, 60_000);

afterAll(async () => {
  for (const c of open) c.close();
  await server?.close();
});

describe('collaboration budgets', () => {
  it('a frame above the limit closes the connection with 1009; nothing of it is applied', async () => {
    const name = `doc/${await newDoc()}/private/${a.id}`;
    const p = await raw(name, a);
    p.send(new Uint8Array(1024 * 1024 + LAYER_BYTES + 16).fill(0));
    expect((await p.closedWith()).code).toBe(1009);
    expect(Y.decodeUpdate(await server.collab.state(name)).structs).toHaveLength(0);
  });

  it('a flood of small messages closes the connection with 4429 "too many messages"', async () => {
    const p = await raw(`doc/${await newDoc()}/shared`, a);
    for (let i = 0; i < 2000 && p.ws.readyState === p.ws.OPEN; i++) p.sendStep1();
    expect(await p.closedWith()).toEqual({ code: 4429, reason: 'too many messages' });
  });

  it('an update that would overfill a layer is refused with 4413 (nothing applied); the layer keeps working for others', async () => {
    for (const layer of ['shared', 'private']) {
      const docId = await newDoc();
      const name = layer === 'shared' ? `doc/${docId}/shared` : `doc/${docId}/private/${a.id}`;
      const ca = stock(name, a);
      await synced(ca);
      ca.doc.getArray<string>('notes').push(['ghi chú ngắn']);
      await eventually(async () => expect(Y.decodeUpdate(await server.collab.state(name)).structs.length).toBeGreaterThan(0));
      ca.doc.getArray<string>('notes').push(['x'.repeat(LAYER_BYTES)]);
      const closed = await firstClose(ca);
      expect(closed.code, layer).toBe(4413);
      expect(closed.reason).toMatch(/^layer full/);
      const stored = new Y.Doc();
      Y.applyUpdate(stored, await server.collab.state(name));
      expect(stored.getArray<string>('notes').toArray(), layer).toEqual(['ghi chú ngắn']);
      ca.provider.disconnect();
    }
    // Many small updates add up the same way.
    const name = `doc/${await newDoc()}/shared`;
    const cb = stock(name, b);
    await synced(cb);
    for (let i = 0; i < 80 && cb.closes.length === 0; i++) {
      cb.doc.getArray<string>('notes').push(['y'.repeat(1024)]);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await firstClose(cb)).code).toBe(4413);
    const size = (await server.collab.state(name)).length;
    expect(size).toBeLessThanOrEqual(LAYER_BYTES);
    expect(size).toBeGreaterThan(LAYER_BYTES / 2);
  });

  it('awareness goes from a writer to the others, never back to the sender', async () => {
    const name = `doc/${await newDoc()}/shared`;
    const w = await raw(name, a);
    const other = await raw(name, b);
    w.sendAwareness({ user: { name: 'An' } });
    await other.until(() => other.awarenessFrames().some((ids) => ids.includes(w.doc.clientID)));
    // The sender's frames (after a moment for an echo to arrive): no state of its own.
    other.sendAwareness({ user: { name: 'Bình' } });
    await w.until(() => w.awarenessFrames().some((ids) => ids.includes(other.doc.clientID)));
    expect(w.awarenessFrames().some((ids) => ids.includes(w.doc.clientID))).toBe(false);
    expect(other.awarenessFrames().some((ids) => ids.includes(other.doc.clientID))).toBe(false);
  });

  it("awareness of a read-only peer is not relayed; an awareness message above 16 KiB closes with 1009; another account's ids are not taken over", async () => {
    const m = await liveMeeting(admin, [a, b], 'Họp đã kết thúc');
    const endedName = `doc/${await newDoc(m.id)}/shared`;
    await m.secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'ended' });
    const reader = await raw(endedName, a);
    const watcher = await raw(endedName, b);
    reader.sendAwareness({ user: { name: 'An' } });
    // A sync round trip after it: by then a relayed awareness frame would have arrived.
    watcher.sendStep1();
    await watcher.until(() => watcher.frames.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.awarenessFrames().flat()).not.toContain(reader.doc.clientID);

    const name = `doc/${await newDoc()}/shared`;
    const pa = await raw(name, a);
    const pb = await raw(name, b);
    pa.sendAwareness({ user: { name: 'An' } });
    await pb.until(() => pb.awarenessFrames().some((ids) => ids.includes(pa.doc.clientID)));
    const before = pa.frames.length;
    // B tries to overwrite A's state (and to hold many ids): neither reaches A.
    pb.sendAwareness({ user: { name: 'Giả danh An' } }, [pa.doc.clientID]);
    pb.sendAwareness({ x: 1 }, [1, 2, 3, 4, 5, 6, 7, 8]);
    pb.sendStep1();
    await pb.until(() => pb.frames.length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(pa.frames.slice(before).length).toBe(0);
    pb.sendAwareness({ big: 'z'.repeat(17 * 1024) });
    expect(await pb.closedWith()).toEqual({ code: 1009, reason: 'awareness message too large' });
  });

  it('a quiet connection gets a keep-alive (an empty awareness message) instead of its own awareness echoed', async () => {
    const p = await raw(`doc/${await newDoc()}/shared`, a);
    p.sendAwareness({ user: { name: 'An' } });
    // Sent nothing for 10 s: a keep-alive within 15 s.
    await p.until(() => p.awarenessFrames().some((ids) => ids.length === 0), 17_000);
    expect(p.awarenessFrames().flat()).toEqual([]);
    expect(p.closed).toBeNull();
  }, 25_000);
});
