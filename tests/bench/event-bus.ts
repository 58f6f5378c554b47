/**
 * Which engine carries meeting events between servers (issue 16): Redis pub/sub or PostgreSQL
 * LISTEN/NOTIFY. Starts a real redis-server and a real PostgreSQL (tests/support) on temp folders
 * and free loopback ports, then, for each engine, one publisher process and SUBSCRIBERS subscriber
 * processes (separate Node processes, as servers would be) on one meeting channel, with a meeting's
 * event mix (awareness ~45 %, annotation updates of 1–4 KB ~15 %, vote progress, presence, chat,
 * floor), every message parsed with the bus's zod schemas on arrival. Prints side by side:
 *   - publish → receive delay p50/p99/max at a steady RATE messages/s (the latency baseline);
 *   - throughput: COUNT messages sent as fast as the engine takes them (WINDOW in flight), until
 *     every subscriber has them all: messages/s, MB/s delivered, delay p50/p99 under that load;
 *   - CPU seconds of the engine's own processes, and messages lost;
 *   - the largest payload each engine accepts (NOTIFY refuses 8000 bytes and more).
 * Figures only, no assertions. PostgreSQL here runs with fsync=off / synchronous_commit=off (the
 * test cluster's settings): each NOTIFY is a committed transaction, so with the production
 * settings PostgreSQL's figures can only be worse.
 *   node --import tsx tests/bench/event-bus.ts   (SUBSCRIBERS=3 RATE=500 LATENCY_COUNT=3000 COUNT=20000 WINDOW=256)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startRedis, type TestRedis } from '../support/redis';

const SUBSCRIBERS = Number(process.env['SUBSCRIBERS'] ?? 3);
const RATE = Number(process.env['RATE'] ?? 500);
const LATENCY_COUNT = Number(process.env['LATENCY_COUNT'] ?? 3000);
const COUNT = Number(process.env['COUNT'] ?? 20000);
const WINDOW = Number(process.env['WINDOW'] ?? 256);
const CHANNEL = 'phonghop_bench_meeting';
const peerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'event-bus-peer.ts');

type Engine = 'redis' | 'postgres';
interface Reply {
  ok: boolean;
  error?: string;
  [k: string]: unknown;
}

class Peer {
  readonly proc: ChildProcess;
  #waiting: ((r: Reply) => void)[] = [];
  constructor() {
    this.proc = fork(peerScript, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: Reply) => this.#waiting.shift()?.(m));
  }
  ask<T extends Reply>(message: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#waiting.push((r) => (r.ok ? resolve(r as T) : reject(new Error(r.error))));
      this.proc.send(message);
    });
  }
  end() {
    this.proc.kill('SIGTERM');
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- CPU of the engines' own processes, from /proc ----------------------------------------------
function procStat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
  } catch {
    return null;
  }
}
/** CPU seconds of a process and its children (PostgreSQL: the postmaster and its backends). */
function treeCpu(root: number): number {
  let sum = procStat(root)?.cpu ?? 0;
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === root) continue;
    const s = procStat(pid);
    if (s && s.ppid === root) sum += s.cpu;
  }
  return sum;
}
/** The postmaster of the PostgreSQL listening on `port` (its command line names the port). */
function postmasterPid(port: number): number | null {
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('/postgres') && cmd.join(' ').includes(`-p ${port}`)) return pid;
    } catch {
      /* gone */
    }
  }
  return null;
}

// ---- one engine -------------------------------------------------------------------------------
interface Figures {
  latency: number[];
  latencyLost: number;
  throughputMsgs: number;
  throughputMb: number;
  loadedLatency: number[];
  loadedLost: number;
  publishFailed: number;
  engineCpu: number;
  invalid: number;
}

async function collectAll(subs: Peer[], expected: number): Promise<{ delays: number[]; lost: number; bytes: number; invalid: number; doneAt: number }> {
  // doneAt: wall-clock ms (performance.timeOrigin based) of the last message any subscriber got.
  // Wait until every subscriber has them all, or nothing more arrives for 3 s.
  let last = -1;
  let still = Date.now();
  for (;;) {
    const counts = await Promise.all(subs.map((s) => s.ask<Reply & { received: number }>({ cmd: 'count' })));
    const total = counts.reduce((a, c) => a + c.received, 0);
    if (total !== last) {
      last = total;
      still = Date.now();
    }
    if (total >= expected * subs.length || Date.now() - still > 3000) break;
    await sleep(50);
  }
  const all = await Promise.all(subs.map((s) => s.ask<Reply & { received: number; delays: number[]; bytes: number; invalid: number; lastAt: number }>({ cmd: 'collect' })));
  const delays = all.flatMap((a) => a.delays);
  return { delays, lost: expected * subs.length - all.reduce((a, c) => a + c.received, 0), bytes: all.reduce((a, c) => a + c.bytes, 0), invalid: all.reduce((a, c) => a + c.invalid, 0), doneAt: Math.max(...all.map((a) => a.lastAt)) };
}

async function measure(engine: Engine, url: string, enginePid: () => number | null): Promise<Figures> {
  const subs = Array.from({ length: SUBSCRIBERS }, () => new Peer());
  const pub = new Peer();
  try {
    await Promise.all(subs.map((s) => s.ask({ cmd: 'subscribe', engine, url, channel: CHANNEL })));
    await pub.ask({ cmd: 'publisher', engine, url, channel: CHANNEL });
    // Warm-up (JIT, connections), not counted.
    await pub.ask({ cmd: 'run', count: 500, ratePerSec: null, window: 32 });
    await collectAll(subs, 500);

    const pidNow = enginePid();
    const cpu0 = pidNow ? treeCpu(pidNow) : NaN;
    await pub.ask({ cmd: 'run', count: LATENCY_COUNT, ratePerSec: RATE, window: WINDOW });
    const steady = await collectAll(subs, LATENCY_COUNT);

    const t0 = performance.timeOrigin + performance.now();
    const sent = await pub.ask<Reply & { failed: number }>({ cmd: 'run', count: COUNT, ratePerSec: null, window: WINDOW });
    const loaded = await collectAll(subs, COUNT);
    const seconds = (loaded.doneAt - t0) / 1000;
    const cpu1 = pidNow ? treeCpu(pidNow) : NaN;
    return {
      latency: steady.delays,
      latencyLost: steady.lost,
      throughputMsgs: COUNT / seconds,
      throughputMb: loaded.bytes / seconds / 1e6,
      loadedLatency: loaded.delays,
      loadedLost: loaded.lost,
      publishFailed: sent.failed,
      engineCpu: cpu1 - cpu0,
      invalid: steady.invalid + loaded.invalid,
    };
  } finally {
    for (const p of [...subs, pub]) p.end();
  }
}

/** The largest payload (bytes, of 1 KB steps up to 1 MB) the engine delivers in one message. */
async function largestPayload(engine: Engine, url: string): Promise<string> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const fits = async (n: number) => client.query('SELECT pg_notify($1, $2)', [CHANNEL, 'x'.repeat(n)]).then(() => true, () => false);
      return `${(await fits(7999)) ? '7999 ok' : '7999 refused'}, ${(await fits(8000)) ? '8000 ok' : '8000 refused ("payload string too long")'}`;
    } finally {
      await client.end();
    }
  }
  const { Redis } = await import('ioredis');
  const r = new Redis(url);
  try {
    await r.publish(CHANNEL, 'x'.repeat(1024 * 1024));
    return '1 MiB ok (limit 512 MB)';
  } finally {
    r.disconnect();
  }
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  let redis: TestRedis | null = null;
  let postgres: TestPostgres | null = null;
  try {
    redis = await startRedis();
    postgres = await startPostgres();
    const pgUrl = postgres.url(await postgres.createDatabase());
    const pgPort = Number(new URL(pgUrl).port);
    const redisRef = redis;
    const results: Record<Engine, Figures> = {
      redis: await measure('redis', redis.url, () => redisRef.pid() ?? null),
      postgres: await measure('postgres', pgUrl, () => postmasterPid(pgPort)),
    };
    const limits = { redis: await largestPayload('redis', redis.url), postgres: await largestPayload('postgres', pgUrl) };
    const load1 = os.loadavg();

    const row = (label: string, f: (x: Figures) => string) => console.log(`  ${label.padEnd(38)} ${f(results.redis).padEnd(28)} ${f(results.postgres)}`);
    const ms = (xs: number[], p: number) => `${pct(xs, p).toFixed(2)} ms`;
    console.log(`event-bus: 1 publisher + ${SUBSCRIBERS} subscriber processes, one meeting channel, meeting event mix, zod-checked on arrival`);
    console.log(`  ${''.padEnd(38)} ${'Redis pub/sub (ioredis)'.padEnd(28)} PostgreSQL LISTEN/NOTIFY (pg)`);
    row(`steady ${RATE}/s × ${LATENCY_COUNT}: delay p50`, (x) => ms(x.latency, 50));
    row('  delay p99', (x) => ms(x.latency, 99));
    row('  delay max', (x) => `${Math.max(...x.latency).toFixed(2)} ms`);
    row('  lost', (x) => String(x.latencyLost));
    row(`flat out ${COUNT} (window ${WINDOW}): msgs/s`, (x) => `${x.throughputMsgs.toFixed(0)} msg/s`);
    row('  delivered to all subscribers', (x) => `${x.throughputMb.toFixed(1)} MB/s`);
    row('  delay p50 under load', (x) => ms(x.loadedLatency, 50));
    row('  delay p99 under load', (x) => ms(x.loadedLatency, 99));
    row('  lost / publish failed', (x) => `${x.loadedLost} / ${x.publishFailed}`);
    row('engine CPU (both phases)', (x) => `${x.engineCpu.toFixed(2)} s`);
    row('invalid on arrival', (x) => String(x.invalid));
    row('largest payload', (x) => (x === results.redis ? limits.redis : limits.postgres));
    console.log(`  load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores, shared)`);
  } finally {
    await redis?.stop();
    await postgres?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
