/**
 * PostgreSQL goes away under a running meeting: the real server (a child process, on a real
 * throw-away PostgreSQL) while delegates cast ballots on several votes and two delegates draw on a
 * shared annotation layer. PostgreSQL is restarted (fast shutdown: every connection cut, then
 * seconds with no database at all), and separately every server connection is killed with
 * pg_terminate_backend. Then:
 * - the server process never exits, and logs no unhandled rejection;
 * - requests meanwhile get a clear answer: `unavailable` (HTTP 503 with Retry-After, an error
 *   frame on signaling), never `internal`/500; clients that send again (as the renderer does)
 *   get through once the database is back;
 * - every acknowledged ballot is in the store and the meeting's hash chain verifies;
 * - every mark that reached the other reader is in the store once the layer is closed;
 * - the service comes back by itself (the pool reconnects; nobody restarts the server).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addMark, readPage } from '../../renderer/src/features/annotations/mark-model';
import { openStore } from '../../sfu-server/src/store/database';
import { verifyMeetingChain } from '../../sfu-server/src/voting/verify';
import { person, TestApi, type Person } from '../support/api-client';
import { eventually, stockClient, synced, type StockClient } from '../support/collab-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { TestSignalingClient } from '../support/signaling-test-client';
import { quietLogger } from '../support/stores';
import { joinAll } from '../support/voting';

let postgres: TestPostgres;
let dbUrl: string;
let server: ServerProcess;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-fault-pg-'));
const open: { close(): void }[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  dbUrl = postgres.url(await postgres.createDatabase());
  server = await startServerProcess(dataDir, { DATABASE_URL: dbUrl });
}, 120_000);

afterAll(async () => {
  for (const c of open) c.close();
  await server?.stop();
  await postgres?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server is still the same running process, and nothing went unhandled in it. */
function expectServerAlive() {
  expect(server.proc.exitCode, `server exited:\n${server.output().slice(-3000)}`).toBeNull();
  expect(server.proc.signalCode).toBeNull();
  expect(server.output()).not.toContain('unhandled rejection');
}

/** A live meeting with an agenda, `n` invited delegates and one published document. */
async function meetingWithDocument(admin: TestApi, n: number) {
  const delegates: Person[] = [];
  for (let i = 0; i < n; i++) delegates.push(await person(admin, 'delegate', `Đại biểu Số ${i + 1}`));
  const chair = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  const secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  const start = new Date(Date.now() + 60_000);
  const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp khi cơ sở dữ liệu khởi động lại', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${m.id}/agenda`, { items: [{ title: 'Dự thảo nghị quyết', durationMinutes: 30 }] });
  await secretary.api.ok('PUT', `/api/meetings/${m.id}/invitations`, { delegateIds: delegates.map((d) => d.id) });
  await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'published' });
  const upload = await uploadFile(secretary.api, `/api/meetings/${m.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeVietnamesePdf({ pages: 1 }), 'du-thao.pdf');
  expect(upload.status, JSON.stringify(upload.body)).toBe(201);
  await secretary.api.ok('POST', `/api/meetings/${m.id}/documents/publish`);
  await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'live' });
  return { meetingId: m.id as string, chair, secretary, delegates, documentId: upload.body.id as string, versionId: upload.body.versions[0].id as string };
}

interface CastLog {
  acked: { voteId: string; accountId: string; choice: string }[];
  /** Resends refused as already_voted: an earlier attempt was stored after all. */
  storedOnResend: { voteId: string; accountId: string }[];
  unavailable: number;
  otherErrors: string[];
}

/** Casts one ballot as the renderer does: sent again after `unavailable` until it is taken. */
async function castUntilTaken(client: TestSignalingClient, voteId: string, accountId: string, choice: string, log: CastLog): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const frame = await client.requestFrame('vote.cast', { voteId, choices: [choice] });
    if ('ok' in frame && frame.ok) {
      log.acked.push({ voteId, accountId, choice });
      return;
    }
    const code = 'ok' in frame && !frame.ok ? frame.error.code : 'no-response';
    if (code === 'unavailable') {
      log.unavailable++;
      await sleep(300);
      continue;
    }
    if (code === 'already_voted' && attempt > 0) {
      log.storedOnResend.push({ voteId, accountId });
      return;
    }
    log.otherErrors.push(`${code}: ${JSON.stringify(frame)}`);
    return;
  }
  log.otherErrors.push(`ballot of ${accountId} not taken within 60 s`);
}

/** Each of the two readers draws a mark every `everyMs`; a mark counts once the other reader has it. */
function drawing(a: { client: StockClient; person: Person; name: string }, b: { client: StockClient; person: Person; name: string }, versionId: string, everyMs: number) {
  const drawn: string[] = [];
  let n = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const w of [a, b]) {
        const id = `${w.person.id.slice(0, 8)}-${n++}`;
        addMark(w.client.doc, versionId, 1, { id, author: w.person.id, authorName: w.name, tool: 'pen', color: '#d62828', width: 0.0025, points: [0.1, 0.1, 0.2 + (n % 50) / 100, 0.3] }, null);
        drawn.push(id);
      }
      await sleep(everyMs);
    }
  })();
  const seenBy = (c: StockClient) => new Set(readPage(c.doc, versionId, 1).map((m) => m.id));
  return {
    drawn,
    /** Marks each reader drew that reached the other one (through the server). */
    relayed(): string[] {
      const inA = seenBy(a.client);
      const inB = seenBy(b.client);
      return drawn.filter((id) => inA.has(id) && inB.has(id));
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The marks of a layer as stored in PostgreSQL (every stored update applied to a new document). */
async function storedMarks(docName: string, versionId: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const rows = await client.query<{ data: Buffer }>('SELECT data FROM collab_updates WHERE doc_name = $1 ORDER BY id', [docName]);
    const doc = new Y.Doc();
    for (const r of rows.rows) Y.applyUpdate(doc, new Uint8Array(r.data));
    return new Set(readPage(doc, versionId, 1).map((m) => m.id));
  } finally {
    await client.end();
  }
}

async function votersInStore(voteIds: string[]): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const rows = await client.query<{ vote_id: string; account_id: string }>('SELECT vote_id, account_id FROM vote_voters WHERE vote_id = ANY($1)', [voteIds]);
    return new Set(rows.rows.map((r) => `${r.vote_id}/${r.account_id}`));
  } finally {
    await client.end();
  }
}

it('a PostgreSQL restart under a live meeting: nothing acknowledged is lost, the service comes back by itself', async () => {
  const admin = await TestApi.admin(server.url);
  const m = await meetingWithDocument(admin, 8);
  const [chair, ...delegateClients] = await joinAll(server.url, m.meetingId, [m.chair, ...m.delegates]);
  open.push(chair!, ...delegateClients);
  const votes: string[] = [];
  for (let k = 0; k < 4; k++) {
    const v = await chair!.request('vote.create', { question: `Nội dung biểu quyết số ${k + 1}`, durationSeconds: null });
    await chair!.request('vote.open', { voteId: v.vote.id });
    votes.push(v.vote.id);
  }

  // Two delegates on the document's shared layer.
  const layer = `doc/${m.documentId}/shared`;
  const [pa, pb] = [m.delegates[0]!, m.delegates[1]!];
  const ca = stockClient(server.url, layer, pa.token);
  const cb = stockClient(server.url, layer, pb.token);
  open.push({ close: () => ca.destroy() }, { close: () => cb.destroy() });
  await Promise.all([synced(ca), synced(cb)]);
  const pen = drawing({ client: ca, person: pa, name: 'Đại biểu Số 1' }, { client: cb, person: pb, name: 'Đại biểu Số 2' }, m.versionId, 150);

  // Ballots spread over ~10 s: vote k, delegate i at k·2.5 s + i·0.3 s. PostgreSQL goes down at
  // 3 s for 3 s (plus its own shutdown and start).
  const log: CastLog = { acked: [], storedOnResend: [], unavailable: 0, otherErrors: [] };
  const options = ['tan-thanh', 'khong-tan-thanh', 'khong-bieu-quyet'];
  const t0 = Date.now();
  const casting = votes.flatMap((voteId, k) =>
    delegateClients.map(async (c, i) => {
      await sleep(k * 2500 + i * 300);
      await castUntilTaken(c, voteId, m.delegates[i]!.id, options[(i + k) % 3]!, log);
    }),
  );

  // Meanwhile an organiser's HTTP reads: 503 with Retry-After while the database is away, never 500.
  const httpStatuses: { status: number; retryAfter: string | null; code: string | null }[] = [];
  let polling = true;
  const httpPoll = (async () => {
    while (polling) {
      const res = await fetch(`${server.url}/api/meetings/${m.meetingId}`, { headers: { authorization: `Bearer ${m.secretary.token}` } });
      const body = (await res.json().catch(() => null)) as { code?: string } | null;
      httpStatuses.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code: res.status === 200 ? null : (body?.code ?? null) });
      await sleep(200);
    }
  })();

  await sleep(Math.max(0, 3000 - (Date.now() - t0)));
  await postgres.restart(3000);
  const restartedAt = Date.now();
  await Promise.all(casting);
  polling = false;
  await httpPoll;
  await pen.stop();

  console.info(
    `[postgres restart] ballots acknowledged ${log.acked.length}, found stored on a resend ${log.storedOnResend.length}, answered 'unavailable' ${log.unavailable} times; ` +
      `HTTP reads ${httpStatuses.length}, of them 503 ${httpStatuses.filter((s) => s.status === 503).length}; marks drawn ${pen.drawn.length}`,
  );
  expectServerAlive();
  expect(log.otherErrors).toEqual([]);
  // The outage was really hit by ballots and reads, and answered as such.
  expect(log.unavailable).toBeGreaterThan(0);
  const failed = httpStatuses.filter((s) => s.status !== 200);
  expect(failed.length).toBeGreaterThan(0);
  for (const f of failed) expect(f).toMatchObject({ status: 503, code: 'unavailable', retryAfter: expect.stringMatching(/^\d+$/) });
  // Back by itself: reads succeed again without anyone restarting the server.
  await eventually(async () => expect((await m.secretary.api.call('GET', `/api/meetings/${m.meetingId}`)).status).toBe(200), 15_000);
  expect(Date.now() - restartedAt).toBeLessThan(60_000);

  // Every ballot that was acknowledged (or was found stored on a resend) is in the store; every
  // delegate's ballot got in in the end; the chain verifies.
  const stored = await votersInStore(votes);
  for (const a of [...log.acked, ...log.storedOnResend]) expect(stored.has(`${a.voteId}/${a.accountId}`), `ballot ${a.voteId}/${a.accountId}`).toBe(true);
  expect(log.acked.length + log.storedOnResend.length).toBe(votes.length * delegateClients.length);
  const state = await chair!.request('vote.state', {});
  for (const a of log.acked) {
    const entry = state.votes.find((e) => e.vote.id === a.voteId)!;
    expect(entry.ballots!.find((b) => b.accountId === a.accountId)?.choices).toEqual([a.choice]);
  }
  const store = await openStore({ dataDir, databaseUrl: dbUrl, logger: quietLogger() });
  try {
    expect((await verifyMeetingChain(store.db, m.meetingId)).problems).toEqual([]);
  } finally {
    await store.close();
  }

  // Every mark that went from one reader to the other is stored once the readers leave (the layer
  // is compacted and unloaded when the last one goes).
  await eventually(() => expect(pen.relayed().length).toBe(pen.drawn.length), 15_000);
  const relayed = pen.relayed();
  expect(relayed.length).toBeGreaterThan(20);
  ca.destroy();
  cb.destroy();
  await eventually(async () => {
    const inStore = await storedMarks(layer, m.versionId);
    expect(relayed.filter((id) => !inStore.has(id))).toEqual([]);
  }, 20_000);
  expectServerAlive();
}, 180_000);

it('every server connection killed (pg_terminate_backend): the next requests are answered, the process lives on', async () => {
  const admin = await TestApi.admin(server.url);
  const delegate = await person(admin, 'delegate', 'Đại biểu Sau Sự Cố');
  const killer = new pg.Client({ connectionString: dbUrl });
  await killer.connect();
  const dbName = new URL(dbUrl).pathname.slice(1);
  const killed = await killer.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
  await killer.end();
  expect(killed.rowCount).toBeGreaterThan(0);
  // Give the idle connections' errors time to arrive at the server.
  await sleep(500);
  expectServerAlive();
  // Whatever connection each request gets, it is answered: at worst 503 once, then 200.
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await delegate.api.call('GET', '/api/auth/me')).status);
  expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  expect(statuses.at(-1)).toBe(200);
  expectServerAlive();
}, 60_000);
