/**
 * Vote tally benchmark: 300 delegates (signaling clients without media, each a real account invited
 * to a live meeting, signed in with a real session) cast their ballots within one second; then the
 * chair closes the vote. Measured:
 *   - ballot acknowledgements (each one committed to the store with synchronous=FULL): p50/p95/max;
 *   - close → the result (`voteUpdated` closed) received by every client: p50/p95/max. Target: < 100 ms;
 *   - the server process's CPU time (user+system, from /proc) during casting and during closing.
 * Once for an open (named) ballot and once for a secret one. Prints figures only (no assertions);
 * writes them to test-results/bench-vote-tally.json.
 *
 *   node --import tsx tests/bench/vote-tally.ts     (DELEGATES=300 by default)
 *   STORE=postgres node --import tsx tests/bench/vote-tally.ts   (a throw-away PostgreSQL, tests/support/postgres.ts)
 *
 * The server runs as its own process (node --import tsx sfu-server/src/main.ts) so its CPU time is
 * its own; the accounts, the meeting and the sessions are written into its store before it starts
 * (one password hash shared by all; sessions issued as a login would issue them), which keeps the
 * 300 scrypt logins out of the set-up time.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { hashPassword } from '../../sfu-server/src/auth/passwords';
import { TokenSigner } from '../../sfu-server/src/auth/tokens';
import { createLogger } from '../../sfu-server/src/observability/logger';
import { openStore } from '../../sfu-server/src/store/database';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startServerProcess } from '../support/server-process';

const DELEGATES = Math.max(1, Number(process.env['DELEGATES'] ?? 300));
const CAST_WINDOW_MS = 1000;
const TARGET_MS = 100;
const POSTGRES = process.env['STORE'] === 'postgres';
const OUTPUT = path.resolve(`test-results/bench-vote-tally${POSTGRES ? '-postgres' : ''}.json`);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** user+system CPU time of a process, in ms (Linux /proc; clock ticks of 100 Hz). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A bare signaling client: requests by id, and a hook on every raw frame (parsed only when needed). */
class Client {
  #next = 1;
  readonly #pending = new Map<number, (frame: { ok: boolean; data?: unknown; error?: unknown }) => void>();
  onFrame: (raw: string, at: number) => void = () => {};
  constructor(readonly ws: WebSocket) {
    ws.on('message', (buf) => {
      const at = performance.now();
      const raw = buf.toString();
      if (raw.startsWith('{"id"')) {
        const frame = JSON.parse(raw) as { id: number; ok: boolean };
        this.#pending.get(frame.id)?.(frame);
        this.#pending.delete(frame.id);
      } else this.onFrame(raw, at);
    });
  }
  static async connect(url: string, token: string): Promise<Client> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Client(ws);
  }
  request<T = unknown>(method: string, data: unknown): Promise<T> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (f) => (f.ok ? resolve(f.data as T) : reject(new Error(`${method}: ${JSON.stringify(f.error)}`))));
      this.ws.send(JSON.stringify({ id, method, data }));
    });
  }
}

async function prepareStore(dataDir: string, databaseUrl: string | undefined) {
  const store = await openStore({ dataDir, databaseUrl, logger: createLogger('silent') });
  const db = store.db;
  const hash = await hashPassword('Bench-Password-1');
  const now = new Date().toISOString();
  const account = (role: string, i: number) => ({ id: randomUUID(), username: `${role}.${i}`, display_name: `${role === 'delegate' ? 'Đại biểu' : role} ${i}`, title: '', role, unit_id: null, bridge_point_id: null, password_hash: hash, disabled: 0, created_at: now, updated_at: now });
  const chair = account('chair', 0);
  const secretary = account('secretary', 0);
  const delegates = Array.from({ length: DELEGATES }, (_, i) => account('delegate', i + 1));
  for (let i = 0; i < delegates.length; i += 100) await db.insertInto('accounts').values(delegates.slice(i, i + 100)).execute();
  await db.insertInto('accounts').values([chair, secretary]).execute();
  const meetingId = randomUUID();
  await db.insertInto('meetings').values({ id: meetingId, title: 'Kỳ họp đo biểu quyết', description: '', starts_at: now, ends_at: new Date(Date.now() + 3600_000).toISOString(), status: 'live', chair_id: chair.id, secretary_id: secretary.id, created_by: secretary.id, created_at: now, updated_at: now }).execute();
  for (let i = 0; i < delegates.length; i += 200) await db.insertInto('meeting_delegates').values(delegates.slice(i, i + 200).map((d) => ({ meeting_id: meetingId, account_id: d.id }))).execute();
  // Sessions as a login makes them; access tokens signed with the server's own key (DATA_DIR/auth-secret.key).
  const signer = TokenSigner.fromDataDir(dataDir);
  const tokens = new Map<string, string>();
  for (const a of [chair, ...delegates]) {
    const sid = randomUUID();
    await db.insertInto('sessions').values({ id: sid, account_id: a.id, refresh_hash: randomUUID(), created_at: now, expires_at: new Date(Date.now() + 86400_000).toISOString(), revoked_at: null }).execute();
    tokens.set(a.id, (await signer.signAccess({ sub: a.id, sid })).token);
  }
  await store.close();
  return { meetingId, chair, delegates, tokens };
}

interface Round {
  kind: 'open' | 'secret';
  castSpreadMs: number;
  allAckedMs: number;
  ack: { p50: number; p95: number; max: number };
  tally: { p50: number; p95: number; max: number; clients: number };
  closeAckMs: number;
  serverCpu: { castingMs: number; castingPercent: number; closingMs: number };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-bench-votes-'));
  console.log(`vote-tally: preparing ${DELEGATES} delegates, a chair, a live meeting (${POSTGRES ? 'PostgreSQL' : 'SQLite'})…`);
  const pg: TestPostgres | null = POSTGRES ? await startPostgres() : null;
  const databaseUrl = pg ? pg.url(await pg.createDatabase()) : undefined;
  const setup = await prepareStore(dataDir, databaseUrl);
  const server = await startServerProcess(dataDir, { MAX_PEERS_PER_ROOM: String(DELEGATES + 10), HEARTBEAT_SECONDS: '30', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const pid = server.proc.pid!;
  const rounds: Round[] = [];
  try {
    const chair = await Client.connect(server.url, setup.tokens.get(setup.chair.id)!);
    await chair.request('join', { meetingId: setup.meetingId });
    const clients: Client[] = [];
    for (const d of setup.delegates) {
      const c = await Client.connect(server.url, setup.tokens.get(d.id)!);
      await c.request('join', { meetingId: setup.meetingId });
      clients.push(c);
    }
    console.log(`vote-tally: ${clients.length + 1} clients joined`);
    const everyone = [chair, ...clients];

    for (const kind of ['open', 'secret'] as const) {
      const created = await chair.request<{ vote: { id: string } }>('vote.create', { question: `Biểu quyết đo (${kind})`, secret: kind === 'secret', durationSeconds: null });
      const voteId = created.vote.id;
      // Everyone has the open vote before casting starts.
      let opened = 0;
      const allOpened = new Promise<void>((resolve) => {
        for (const c of everyone) {
          c.onFrame = (raw) => {
            if (raw.includes('"voteUpdated"') && raw.includes(voteId) && raw.includes('"status":"open"') && ++opened === everyone.length) resolve();
          };
        }
      });
      await chair.request('vote.open', { voteId });
      await allOpened;

      const options = ['tan-thanh', 'khong-tan-thanh', 'khong-bieu-quyet'];
      const cpu0 = cpuMs(pid);
      const t0 = performance.now();
      const acks: number[] = [];
      let lastSend = 0;
      await Promise.all(
        clients.map(
          (c, i) =>
            new Promise<void>((resolve, reject) => {
              setTimeout(() => {
                const sent = performance.now();
                lastSend = Math.max(lastSend, sent - t0);
                c.request('vote.cast', { voteId, choices: [options[i % 3 === 2 ? 1 : 0]] }).then(() => {
                  acks.push(performance.now() - sent);
                  resolve();
                }, reject);
              }, (i * CAST_WINDOW_MS) / clients.length);
            }),
        ),
      );
      const allAcked = performance.now() - t0;
      // Let the last progress pushes drain before closing, so closing is measured alone.
      await new Promise((r) => setTimeout(r, 1500));
      const cpu1 = cpuMs(pid);
      const castingWall = performance.now() - t0;

      const received: number[] = [];
      let closeSent = 0;
      const allClosed = new Promise<void>((resolve) => {
        for (const c of everyone) {
          c.onFrame = (raw, at) => {
            if (raw.includes('"voteUpdated"') && raw.includes('"status":"closed"') && raw.includes(voteId)) {
              received.push(at - closeSent);
              if (received.length === everyone.length) resolve();
            }
          };
        }
      });
      closeSent = performance.now();
      const closeAck = chair.request('vote.close', { voteId }).then(() => performance.now() - closeSent);
      await allClosed;
      const closeAckMs = await closeAck;
      await new Promise((r) => setTimeout(r, 300));
      const cpu2 = cpuMs(pid);
      rounds.push({
        kind,
        castSpreadMs: lastSend,
        allAckedMs: allAcked,
        ack: { p50: pct(acks, 50), p95: pct(acks, 95), max: Math.max(...acks) },
        tally: { p50: pct(received, 50), p95: pct(received, 95), max: Math.max(...received), clients: received.length },
        closeAckMs,
        serverCpu: { castingMs: cpu1 - cpu0, castingPercent: (100 * (cpu1 - cpu0)) / castingWall, closingMs: cpu2 - cpu1 },
      });
    }
    for (const c of everyone) c.ws.close();
  } finally {
    await server.stop();
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  console.log(`\nvote-tally (${POSTGRES ? 'PostgreSQL' : 'SQLite'}): ${DELEGATES} delegates cast within ${CAST_WINDOW_MS} ms, then the chair closes (target: result at every client < ${TARGET_MS} ms after close)`);
  for (const r of rounds) {
    console.log(`  ${r.kind} ballot:`);
    console.log(`    casting   sent over ${ms(r.castSpreadMs)}, all ${DELEGATES} acknowledged (committed) after ${ms(r.allAckedMs)}; ack p50 ${ms(r.ack.p50)}, p95 ${ms(r.ack.p95)}, max ${ms(r.ack.max)}`);
    console.log(`    tally     close → result at all ${r.tally.clients} clients: p50 ${ms(r.tally.p50)}, p95 ${ms(r.tally.p95)}, max ${ms(r.tally.max)} (close acknowledged after ${ms(r.closeAckMs)}) ${r.tally.p95 < TARGET_MS ? 'within' : 'OVER'} target`);
    console.log(`    server CPU casting ${r.serverCpu.castingMs} ms (${r.serverCpu.castingPercent.toFixed(0)} % of one core), closing ${r.serverCpu.closingMs} ms`);
  }
  console.log(`  machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, JSON.stringify({ store: POSTGRES ? 'postgres' : 'sqlite', delegates: DELEGATES, targetMs: TARGET_MS, rounds, loadavg: os.loadavg() }, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
