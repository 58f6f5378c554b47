/**
 * The collaboration endpoint with STOCK y-websocket clients (WebsocketProvider over the `ws`
 * package, token in the `access_token` parameter), against a real server: sync, who may open which
 * layer, refusals, restarts on the same data, offline edits merging, read-only after the meeting.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { addMark, readPage, removeMarks } from '../../renderer/src/features/annotations/mark-model';
import { eventually, firstClose, stockClient, synced, type StockClient } from '../support/collab-client';
import { TestDocuments } from '../support/test-documents';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
const documents = new TestDocuments();
let admin: TestApi;
let a: Person, b: Person, c: Person, outsider: Person;
let meeting: Awaited<ReturnType<typeof liveMeeting>>;
const open: StockClient[] = [];

function client(name: string, who: { token: string } | null, doc?: Y.Doc): StockClient {
  const cl = stockClient(server.url, name, who?.token ?? null, doc);
  open.push(cl);
  return cl;
}

async function start(dataDir?: string) {
  server = await startTestServer(dataDir ? { DATA_DIR: dataDir } : {}, { documentAccess: documents });
  await documents.bind(server.store.db, server.meetings);
}

beforeAll(async () => {
  await start();
  admin = await TestApi.admin(server.url);
  a = await person(admin, 'delegate', 'Đại biểu Lê Văn An');
  b = await person(admin, 'delegate', 'Đại biểu Phạm Thị Bình');
  c = await person(admin, 'operator', 'Điểm cầu xã Cát');
  outsider = await person(admin, 'delegate', 'Người ngoài cuộc họp');
  meeting = await liveMeeting(admin, [a, b, c]);
}, 60_000);

afterAll(async () => {
  for (const cl of open) cl.destroy();
  await server?.close();
});

/** A new document of the meeting, with A and B connected to its shared layer. */
async function aAndBOnNewSharedLayer() {
  const docId = randomUUID();
  await documents.add(docId, meeting.id);
  const name = `doc/${docId}/shared`;
  const ca = client(name, a);
  const cb = client(name, b);
  await Promise.all([synced(ca), synced(cb)]);
  return { docId, name, ca, cb };
}

const strokes = (cl: StockClient) => cl.doc.getArray<string>('strokes').toArray();

describe('stock y-websocket clients', () => {
  it('two invitees sync a shared layer both ways, and a late joiner gets everything', async () => {
    const { name, ca, cb } = await aAndBOnNewSharedLayer();
    ca.doc.getArray<string>('strokes').push(['nét của A']);
    cb.doc.getArray<string>('strokes').push(['nét của B']);
    await eventually(() => expect(strokes(ca).sort()).toEqual(['nét của A', 'nét của B']));
    await eventually(() => expect(strokes(cb).sort()).toEqual(['nét của A', 'nét của B']));
    const cc = client(name, c);
    await synced(cc);
    expect(strokes(cc).sort()).toEqual(['nét của A', 'nét của B']);
  });

  it("C's token cannot open B's private layer (nor can the chair or an admin); B can", async () => {
    const docId = randomUUID();
    await documents.add(docId, meeting.id);
    const privateB = `doc/${docId}/private/${b.id}`;
    const cb = client(privateB, b);
    await synced(cb);
    cb.doc.getArray<string>('strokes').push(['ghi chú riêng của B']);
    await eventually(async () => expect(await server.store.db.selectFrom('collab_updates').select('id').where('doc_name', '=', privateB).execute()).not.toHaveLength(0));
    const adminApi = { token: admin.token! };
    for (const who of [c, meeting.chair, meeting.secretary, adminApi]) {
      const spy = client(privateB, who);
      expect(await firstClose(spy)).toEqual({ code: 4403, reason: 'forbidden' });
      expect(spy.provider.synced).toBe(false);
      expect(strokes(spy)).toEqual([]);
      spy.provider.disconnect();
    }
  });

  it('a confidential document is refused to an invitee who may not read it, shared and private alike', async () => {
    const docId = randomUUID();
    await documents.add(docId, meeting.id, { confidential: true, readers: [b.id] });
    const cb = client(`doc/${docId}/shared`, b);
    await synced(cb);
    cb.doc.getArray<string>('strokes').push(['mật']);
    for (const name of [`doc/${docId}/shared`, `doc/${docId}/private/${c.id}`]) {
      const cc = client(name, c);
      expect((await firstClose(cc)).code).toBe(4403);
      expect(strokes(cc)).toEqual([]);
      cc.provider.disconnect();
    }
    // Not invited at all, or an unknown document: refused the same way.
    const stranger = client(`doc/${docId}/shared`, outsider);
    expect((await firstClose(stranger)).code).toBe(4403);
    stranger.provider.disconnect();
    const unknown = client(`doc/${randomUUID()}/shared`, a);
    expect((await firstClose(unknown)).code).toBe(4403);
    unknown.provider.disconnect();
  });

  it('refuses without a token (401), with a bad token, and bad or unknown names; nothing is sent before the close', async () => {
    const docId = randomUUID();
    await documents.add(docId, meeting.id);
    const url = `${server.url.replace('http', 'ws')}/collab/doc/${docId}/shared`;
    for (const suffix of ['', '?access_token=not-a-token']) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url + suffix);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('opened without a valid token')));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
    // With the header instead of the parameter, as a server-side integration would.
    const refusals: [string, number][] = [
      [`doc/${docId}/private/${b.id}`, 4403],
      [`doc/${docId}/other`, 4403],
      [`doc/${docId}/shared/extra`, 4403],
      ['doc/%2E%2E/shared', 4400],
      ['doc//shared', 4400],
      ['nothing-registered/x', 4400],
    ];
    for (const [name, code] of refusals) {
      const result = await new Promise<{ code: number; messages: number }>((resolve) => {
        let messages = 0;
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/collab/${name}`, { headers: { authorization: `Bearer ${a.token}` } });
        ws.on('message', () => messages++);
        ws.on('error', () => undefined);
        ws.on('close', (closeCode) => resolve({ code: closeCode, messages }));
      });
      expect(result, name).toEqual({ code, messages: 0 });
    }
  });

  it('closes a connection that sends garbage, and keeps serving the document', async () => {
    const docId = randomUUID();
    await documents.add(docId, meeting.id);
    const name = `doc/${docId}/shared`;
    const good = client(name, a);
    await synced(good);
    good.doc.getArray<string>('strokes').push(['trước']);
    for (const garbage of [Buffer.from([0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from([9, 9]), Buffer.from('chữ, không phải nhị phân')]) {
      const code = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/collab/${name}`, { headers: { authorization: `Bearer ${b.token}` } });
        ws.on('open', () => ws.send(garbage, { binary: garbage[0] !== 0x63 }));
        ws.on('close', (closeCode) => resolve(closeCode));
      });
      expect([1003, 1007]).toContain(code);
    }
    const late = client(name, c);
    await synced(late);
    expect(strokes(late)).toEqual(['trước']);
  });

  it('edits made offline on both sides merge when the client reconnects', async () => {
    const { name, ca, cb } = await aAndBOnNewSharedLayer();
    ca.doc.getArray<string>('strokes').push(['chung']);
    await eventually(() => expect(strokes(cb)).toEqual(['chung']));
    cb.provider.disconnect();
    ca.doc.getArray<string>('strokes').push(['A khi B mất mạng']);
    cb.doc.getArray<string>('strokes').push(['B khi mất mạng 1', 'B khi mất mạng 2']);
    cb.doc.getMap('meta').set('by', 'B');
    await new Promise((r) => setTimeout(r, 200));
    expect(strokes(ca)).not.toContain('B khi mất mạng 1');
    cb.provider.connect();
    const all = ['A khi B mất mạng', 'B khi mất mạng 1', 'B khi mất mạng 2', 'chung'];
    await eventually(() => expect(strokes(ca).sort()).toEqual(all));
    await eventually(() => expect(strokes(cb).sort()).toEqual(all));
    expect(ca.doc.getMap('meta').get('by')).toBe('B');
    // Both replicas converge to the same order too.
    expect(strokes(ca)).toEqual(strokes(cb));
  });

  it('an ended meeting makes its shared layer read-only (private layers stay writable); connected clients are re-checked', async () => {
    const m = await liveMeeting(admin, [a, b]);
    const docId = randomUUID();
    await documents.add(docId, m.id);
    const name = `doc/${docId}/shared`;
    const ca = client(name, a);
    await synced(ca);
    ca.doc.getArray<string>('strokes').push(['trong cuộc họp']);
    const pa = client(`doc/${docId}/private/${a.id}`, a);
    await synced(pa);
    const reconnected = firstClose(ca);
    await m.secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'ended' });
    expect((await reconnected).code).toBe(4409);
    await eventually(() => expect(ca.provider.synced).toBe(true));
    ca.doc.getArray<string>('strokes').push(['sau khi kết thúc']);
    pa.doc.getArray<string>('strokes').push(['riêng, sau khi kết thúc']);
    await new Promise((r) => setTimeout(r, 300));
    const reader = client(name, b);
    await synced(reader);
    expect(strokes(reader)).toEqual(['trong cuộc họp']);
    const privateAgain = client(`doc/${docId}/private/${a.id}`, a, new Y.Doc());
    await synced(privateAgain);
    await eventually(() => expect(strokes(privateAgain)).toEqual(['riêng, sau khi kết thúc']));
  });
});

describe('authorship of marks in the shared layer', () => {
  const NAME_A = 'Đại biểu Lê Văn An';
  const NAME_B = 'Đại biểu Phạm Thị Bình';
  const draw = (cl: StockClient, id: string, author: string, authorName: string) =>
    addMark(cl.doc, 'v1', 1, { id, author, authorName, tool: 'pen', color: '#d62828', width: 0.0025, points: [0.1, 0.1, 0.4, 0.4] }, null);
  const ids = (cl: StockClient) => readPage(cl.doc, 'v1', 1).map((m) => `${m.id}:${m.authorName}`).sort();

  it("a client that forges a mark in another's name or erases another's mark is closed with 4403 and changes nothing; the chair may erase any mark", async () => {
    const { name, ca, cb } = await aAndBOnNewSharedLayer();
    draw(ca, 'a1', a.id, NAME_A);
    draw(cb, 'b1', b.id, NAME_B);
    const both = [`a1:${NAME_A}`, `b1:${NAME_B}`];
    await eventually(() => expect(ids(ca)).toEqual(both));
    await eventually(() => expect(ids(cb)).toEqual(both));

    // B erases A's mark: refused, the connection is closed, nobody else loses it.
    const refused = firstClose(cb);
    removeMarks(cb.doc, 'v1', 1, new Set(['a1']), null);
    expect(await refused).toEqual({ code: 4403, reason: 'another person’s mark' });
    cb.destroy();
    // A forged mark in A's name from B's token: refused the same way.
    const forger = client(name, b, new Y.Doc());
    await synced(forger);
    const forged = firstClose(forger);
    draw(forger, 'fake', a.id, NAME_A);
    expect(await forged).toEqual({ code: 4403, reason: 'a mark in another person’s name' });
    forger.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const reader = client(name, c, new Y.Doc());
    await synced(reader);
    expect(ids(reader)).toEqual(both);
    expect(ids(ca)).toEqual(both);

    // The chair moderates: erasing A's mark is allowed and reaches everyone.
    const chair = client(name, meeting.chair, new Y.Doc());
    await synced(chair);
    expect(removeMarks(chair.doc, 'v1', 1, new Set(['a1']), null)).toBe(1);
    await eventually(() => expect(ids(ca)).toEqual([`b1:${NAME_B}`]));
    await eventually(() => expect(ids(reader)).toEqual([`b1:${NAME_B}`]));
  });
});

describe('persistence', () => {
  it('survives a server restart on the same data folder; documents leave memory when their last client goes', async () => {
    const docId = randomUUID();
    await documents.add(docId, meeting.id);
    const name = `doc/${docId}/shared`;
    const ca = client(name, a);
    await synced(ca);
    for (let i = 0; i < 30; i++) ca.doc.getArray<string>('strokes').push([`nét ${i}`]);
    const expected = strokes(ca);
    await eventually(() => expect(server.collab.loadedDocuments).toContain(name));
    ca.destroy();
    await eventually(() => expect(server.collab.loadedDocuments).not.toContain(name));
    // Compacted into one snapshot at the last disconnect.
    expect(await server.store.db.selectFrom('collab_updates').select('id').where('doc_name', '=', name).execute()).toHaveLength(1);

    // A second client writes, and the server stops while it is connected.
    const cb = client(name, b);
    await synced(cb);
    cb.doc.getArray<string>('strokes').push(['ngay trước khi dừng']);
    await eventually(() => expect(server.collab.connectionCount).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, 100));
    const dataDir = server.dataDir;
    await server.close();
    await start(dataDir);

    const again = client(name, c);
    await synced(again);
    expect(strokes(again)).toEqual([...expected, 'ngay trước khi dừng']);
    // The client that was connected when the server stopped reconnects by itself and resyncs.
    // Same server, new port (tests start on free ports): point the client there.
    cb.provider.serverUrl = `${server.url.replace('http', 'ws')}/collab`;
    await eventually(() => expect(cb.provider.synced && cb.provider.wsconnected).toBe(true), 15_000);
    again.doc.getArray<string>('strokes').push(['sau khi khởi động lại']);
    await eventually(() => expect(strokes(cb)).toContain('sau khi khởi động lại'));
  }, 60_000);
});
