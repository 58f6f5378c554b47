/**
 * "My meetings" benchmark: how long GET /api/meetings (the list of live / upcoming / past meetings of
 * the caller) and GET /api/meetings/:id (the meeting page) take on a store the size of a large
 * province, over HTTP against the real server (one mediasoup worker), on SQLite and on PostgreSQL.
 * Prints figures only (no assertions) and writes test-results/bench-my-meetings.json; the exit code
 * is non-zero only when it cannot run at all.
 *
 *   node --import tsx tests/bench/my-meetings.ts
 *     REQUESTS=300            requests per row (at least 200)
 *     ENGINES=sqlite,postgres which stores to measure
 *     PG_TEST_URL=postgres://… use that PostgreSQL server instead of a throw-away cluster
 *     DROP_INDEXES=a,b        drop these indexes after the fill, to measure what they are worth
 *
 * The store is filled by bulk inserts (tests/bench/support/fill-store.ts): 5,000 accounts, 1,000
 * units with a bridge point each, 10,000 meetings each inviting ~20 points and ~10 delegates.
 * Requests are sent one at a time (latency, not throughput), by random callers of each role, after
 * a warm-up. The "service" column is the same call made in-process (MeetingsService, no HTTP), to
 * tell the store's share from the HTTP/JSON share. The query plan of the "my meetings" query is
 * printed for each engine. SQLite is measured as the server leaves it (no ANALYZE); PostgreSQL
 * after ANALYZE, as autovacuum does shortly after a bulk load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { MyMeetings } from '../../common/api/model';
import type { Actor } from '../../sfu-server/src/auth/policy';
import { MeetingsService } from '../../sfu-server/src/meetings/meetings-service';
import type { RunningServer } from '../../sfu-server/src/server';
import type { Db } from '../../sfu-server/src/store/database';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startTestServer } from '../support/test-server';
import { BENCH_PASSWORD, fillStore, type FilledStore } from './support/fill-store';

const REQUESTS = Math.max(200, Number(process.env['REQUESTS'] ?? 300));
const WARMUP = 30;
const SERVICE_CALLS = 60;
const CALLERS_PER_ROLE = 40;
const ENGINES = (process.env['ENGINES'] ?? 'sqlite,postgres').split(',').map((e) => e.trim()).filter(Boolean) as ('sqlite' | 'postgres')[];
const DROP_INDEXES = (process.env['DROP_INDEXES'] ?? '').split(',').map((e) => e.trim()).filter(Boolean);
const OUTPUT = path.resolve('test-results/bench-my-meetings.json');

interface Row {
  request: string;
  caller: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** The same call in-process (no HTTP), p50 and p95. */
  serviceP50: number | null;
  serviceP95: number | null;
  /** Meetings in the answer (list) or invited points + delegates (page), on average. */
  items: number;
  bytes: number;
}

interface EngineResult {
  engine: string;
  fillSeconds: number;
  counts: Record<string, number>;
  rows: Row[];
  /** Plans of the "my meetings" query, by caller. */
  plans: Record<string, string[]>;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const round = (x: number) => Math.round(x * 100) / 100;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: round(quantile(s, 0.5)), p95: round(quantile(s, 0.95)), p99: round(quantile(s, 0.99)), max: round(s[s.length - 1]!), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

/** A small seeded PRNG, so that runs pick the same callers in the same order. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Caller {
  username: string;
  token: string;
  actor: Actor;
}

async function callers(server: RunningServer, usernames: string[], count: number, rnd: () => number): Promise<Caller[]> {
  const chosen = new Set<string>();
  while (chosen.size < Math.min(count, usernames.length)) chosen.add(usernames[Math.floor(rnd() * usernames.length)]!);
  const out: Caller[] = [];
  for (const username of chosen) {
    // Through the service rather than POST /api/auth/login, which is rate-limited per address.
    const session = await server.auth.login(username, BENCH_PASSWORD, '127.0.0.1');
    const actor = await server.auth.authenticate(session.accessToken);
    if (!actor) throw new Error(`could not authenticate ${username}`);
    out.push({ username, token: session.accessToken, actor });
  }
  return out;
}

async function timedGet(url: string, token: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} ${body.slice(0, 200)}`);
  return { ms, body };
}

async function timedService(fn: () => Promise<unknown>, n: number): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const s = stats(samples);
  return { p50: s.p50, p95: s.p95 };
}

/** Records the SQL of every statement a service runs, compiled for the store's engine. */
class CaptureSql implements KyselyPlugin {
  readonly queries: CompiledQuery[] = [];
  constructor(readonly db: Db) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(this.db.getExecutor().compileQuery(args.node, args.queryId));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The plan of the "my meetings" query for that caller, as the engine reports it. */
async function planOfMine(server: RunningServer, actor: Actor): Promise<string[]> {
  const db = server.store.db;
  const capture = new CaptureSql(db);
  await new MeetingsService(db.withPlugin(capture)).mine(actor);
  const query = capture.queries[0];
  if (!query) return [];
  if (server.store.dialect === 'sqlite') {
    const rows = (await db.executeQuery<{ id: number; parent: number; detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]))).rows;
    const depth = new Map<number, number>([[0, -1]]);
    return rows.map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    });
  }
  const rows = (await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS OFF) ${query.sql}`, [...query.parameters]))).rows;
  return rows.map((r) => r['QUERY PLAN']);
}

async function runEngine(engine: 'sqlite' | 'postgres'): Promise<EngineResult> {
  let pg: TestPostgres | null = null;
  let server: (RunningServer & { dataDir: string }) | null = null;
  try {
    const env: Record<string, string> = { MEDIASOUP_WORKERS: '1' };
    if (engine === 'postgres') {
      pg = await startPostgres();
      env['DATABASE_URL'] = pg.url(await pg.createDatabase());
    }
    server = await startTestServer(env);
    process.stdout.write(`[${engine}] filling the store… `);
    const filled: FilledStore = await fillStore(server.store.db);
    for (const index of DROP_INDEXES) await server.store.db.schema.dropIndex(index).execute();
    if (engine === 'postgres') await sql`ANALYZE`.execute(server.store.db);
    console.log(`${filled.seconds.toFixed(1)} s`);

    const rnd = random(7);
    const groups: [string, string[], number][] = [
      ['delegate', filled.usernames.delegate, CALLERS_PER_ROLE],
      ['operator', filled.usernames.operator.filter((u) => u !== filled.hostOperator), CALLERS_PER_ROLE],
      ['secretary', filled.usernames.secretary, CALLERS_PER_ROLE],
      ['host-point operator', [filled.hostOperator], 1],
    ];
    const rows: Row[] = [];
    const visible: { caller: Caller; ids: string[] }[] = [];
    const base = server.url;

    for (const [label, names, count] of groups) {
      const people = await callers(server, names, count, rnd);
      for (let i = 0; i < WARMUP; i++) await timedGet(`${base}/api/meetings`, people[i % people.length]!.token);
      const samples: number[] = [];
      let items = 0;
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const caller = people[Math.floor(rnd() * people.length)]!;
        const { ms, body } = await timedGet(`${base}/api/meetings`, caller.token);
        samples.push(ms);
        const mine = JSON.parse(body) as MyMeetings;
        items += mine.live.length + mine.upcoming.length + mine.past.length;
        bytes += body.length;
      }
      for (const caller of people) {
        const mine = (await server.meetings.mine(caller.actor)) as MyMeetings;
        visible.push({ caller, ids: [...mine.live, ...mine.upcoming, ...mine.past].map((m) => m.id) });
      }
      let k = 0;
      const service = await timedService(() => server!.meetings.mine(people[k++ % people.length]!.actor), SERVICE_CALLS);
      rows.push({ request: 'GET /api/meetings', caller: label, ...stats(samples), serviceP50: service.p50, serviceP95: service.p95, items: round(items / REQUESTS), bytes: Math.round(bytes / REQUESTS) });
    }

    // The meeting page, opened by any of those callers on a meeting of their own list.
    const pairs = visible.flatMap((v) => v.ids.map((id) => ({ caller: v.caller, id })));
    const pickPair = () => pairs[Math.floor(rnd() * pairs.length)]!;
    for (let i = 0; i < WARMUP; i++) {
      const p = pickPair();
      await timedGet(`${base}/api/meetings/${p.id}`, p.caller.token);
    }
    const samples: number[] = [];
    let items = 0;
    let bytes = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const p = pickPair();
      const { ms, body } = await timedGet(`${base}/api/meetings/${p.id}`, p.caller.token);
      samples.push(ms);
      const m = JSON.parse(body) as { invitedPointIds: string[]; delegateIds: string[] };
      items += m.invitedPointIds.length + m.delegateIds.length;
      bytes += body.length;
    }
    const service = await timedService(() => {
      const p = pickPair();
      return server!.meetings.get(p.caller.actor, p.id);
    }, SERVICE_CALLS);
    rows.push({ request: 'GET /api/meetings/:id', caller: 'mixed', ...stats(samples), serviceP50: service.p50, serviceP95: service.p95, items: round(items / REQUESTS), bytes: Math.round(bytes / REQUESTS) });

    const plans: Record<string, string[]> = {};
    for (const role of ['delegate', 'operator'] as const) {
      const caller = visible.find((v) => v.caller.actor.role === role && v.caller.username !== filled.hostOperator)!.caller;
      plans[role] = await planOfMine(server, caller.actor);
    }
    return { engine, fillSeconds: round(filled.seconds), counts: filled.counts, rows, plans };
  } finally {
    if (server) {
      await server.close();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
    await pg?.stop();
  }
}

function printTable(results: EngineResult[]): void {
  const header = ['engine', 'request', 'caller', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'service p50/p95 ms', 'items', 'bytes'];
  const lines = results.flatMap((r) =>
    r.rows.map((row) => [
      r.engine,
      row.request,
      row.caller,
      String(row.n),
      row.p50.toFixed(2),
      row.p95.toFixed(2),
      row.p99.toFixed(2),
      row.max.toFixed(2),
      row.serviceP50 === null ? '' : `${row.serviceP50.toFixed(2)} / ${row.serviceP95!.toFixed(2)}`,
      String(row.items),
      String(row.bytes),
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9, 10]);
  const fmt = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

async function main(): Promise<void> {
  console.log(`my-meetings bench: ${REQUESTS} sequential requests per row after ${WARMUP} warm-up; ${os.cpus().length} CPUs, Node ${process.version}`);
  if (DROP_INDEXES.length) console.log(`without the indexes ${DROP_INDEXES.join(', ')}`);
  const results: EngineResult[] = [];
  for (const engine of ENGINES) results.push(await runEngine(engine));
  const c = results[0]?.counts;
  if (c) {
    console.log('');
    console.log(
      `store: ${c['accounts']} accounts, ${c['units']} units, ${c['bridge_points']} bridge points, ${c['meetings']} meetings ` +
        `(${c['live']} live, ${c['upcoming']} upcoming, ${c['past']} past), ${c['meeting_points']} point invitations, ` +
        `${c['meeting_delegates']} delegate invitations, ${c['agenda_items']} agenda items`,
    );
  }
  console.log('');
  printTable(results);
  for (const r of results) {
    for (const [caller, plan] of Object.entries(r.plans)) {
      console.log('');
      console.log(`plan of the "my meetings" query on ${r.engine}, for ${/^[aeiou]/.test(caller) ? "an" : "a"} ${caller}:`);
      for (const line of plan) console.log(`  ${line}`);
    }
  }
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, JSON.stringify({ at: new Date().toISOString(), droppedIndexes: DROP_INDEXES, requests: REQUESTS, warmup: WARMUP, cpus: os.cpus().length, node: process.version, results }, null, 2));
  console.log('');
  console.log(`written ${path.relative(process.cwd(), OUTPUT)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
