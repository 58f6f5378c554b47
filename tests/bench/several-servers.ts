/**
 * Several servers (issue 16, benchmark): one meeting of POINTS simulated bridge points (600 by
 * default) spread over three server processes (each its own SERVER_ID, port and media port range;
 * the same DATABASE_URL, REDIS_URL and AUTH_SECRET: a real PostgreSQL and a real redis-server
 * started here), and the same meeting on ONE server (same PostgreSQL and Redis, its own database)
 * in the same run as the baseline. The generator is load-300's (`support/rtp-points.ts`): plain RTP
 * transports (`media.createPlainTransport`), every point sends a 180p VP8 stream (~150 kbit/s), the
 * chair and the speaker also audio; the speaking point asks for the floor and the chair gives it.
 * Every point receives what the room's forwarding policy gives it (chair, speaker, last-N), so a
 * stream crosses to another server only when a receiver there wants it (PipeTransports, SRTP on).
 * MODE=srtp encrypts the points' own legs as load-300's srtp mode does (SDES keys; the points have
 * no ICE/DTLS stack: 600 DTLS handshakes in Node would spend the cores on the generator).
 *
 * Printed, for the three servers and the one: CPU of each server process and of its mediasoup
 * workers (from /proc), points and consumers per server, receive loss and one-way delay at the
 * points, the streams crossing between servers (each server's inbound pipes, read through the
 * internal API `/internal/cluster/media/pipes` as another server would) and the inter-server
 * bitrate they make. That bitrate is DERIVED, not counted on the wire: the pipes' producers times
 * the bytes their senders sent in the window (RTP, + 10 bytes SRTP tag per packet on the pipe);
 * pipe byte counters in /metrics are step 7 of the plan and not there yet. Then one server is
 * SIGKILLed and the bench measures how long its points stay in the rosters of a client on each of
 * the other servers (peerLeft of every one of them). The clients are simulated and client
 * re-placement on a surviving server is not built yet: that part of the issue's "back in 5 s" is
 * not measured here. Figures only, no assertions.
 *
 *   node --import tsx tests/bench/several-servers.ts     POINTS=600 SECONDS=8 MODE=plain WORKERS=1
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { clusterSecret } from '../../sfu-server/src/cluster/internal-api';
import { postgresAvailable, startPostgres } from '../support/postgres';
import { redisServerBin, startRedis, REDIS_MISSING } from '../support/redis';
import { TestSignalingClient } from '../support/signaling-test-client';
import { metrics, prepareStore, sleep, startServer, type BenchMeeting } from './support/bench-meeting';
import { joinInBatches } from './support/join-in-batches';
import { cpuOf } from './support/proc-cpu';
import { audioParameters, newSrtpKey, RtpPoint, startSending, videoParameters, type PointStreams } from './support/rtp-points';

const N = Math.max(6, Number(process.env['POINTS'] ?? 600));
const SECONDS = Number(process.env['SECONDS'] ?? 8);
const MODE = process.env['MODE'] === 'srtp' ? 'srtp' : 'plain';
const SUITE = 'AEAD_AES_128_GCM' as const;
const WORKERS = process.env['WORKERS'] ?? '1';
const LEASE_TTL_MS = Number(process.env['SERVER_LEASE_TTL_MS'] ?? 3000);
const AUTH_SECRET = randomUUID().repeat(2);
const CHAIR = 0;
const SPEAKER = 1;
const INSPECT_EVERY = Math.max(1, Number(process.env['INSPECT_EVERY'] ?? 10));
const VIDEO_BYTES = 12 + 600;
const AUDIO_BYTES = 12 + 8 + 60;
const SRTP_TAG = 10; // AES_CM_128_HMAC_SHA1_80 on the pipes
const BASE_PORT = 17000 + (process.pid % 300) * 3;

interface Server {
  id: string;
  child: ChildProcess;
  url: string;
}

interface Point {
  rtp: RtpPoint;
  client: TestSignalingClient;
  peerId: string;
  server: number;
  videoProducer: string;
  audioProducer: string;
}

const streamsOf = (i: number): PointStreams => ({ videoSsrc: 200_000 + i * 2, audioSsrc: 200_001 + i * 2, audio: i === SPEAKER ? { level: 5 } : i === CHAIR ? { level: 60 } : null });

/** The meeting in the PostgreSQL database the servers have already migrated. */
const prepareMeeting = (databaseUrl: string, dataDir: string, points: number): Promise<BenchMeeting> =>
  prepareStore(dataDir, points, { databaseUrl, authSecret: AUTH_SECRET, title: 'Hội nghị toàn tỉnh trên ba máy chủ (đo tải)' });

async function startServers(count: number, tag: string, shared: Record<string, string>): Promise<Server[]> {
  const servers: Server[] = [];
  // One after the other: the first migrates the database, the others find it done.
  for (let k = 0; k < count; k++) {
    const id = `${tag}-${String.fromCharCode(97 + k)}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `phonghop-several-${id}-`));
    const rtcMin = 20000 + (k + (tag === 'one' ? 3 : 0)) * 1000;
    const { child, url } = await startServer(dataDir, BASE_PORT + k + (tag === 'one' ? 900 : 0), {
      ...shared,
      SERVER_ID: id,
      MEDIASOUP_WORKERS: WORKERS,
      RTC_MIN_PORT: String(rtcMin),
      RTC_MAX_PORT: String(rtcMin + 999),
      PLAIN_RTP_ENABLED: '1',
      SERVER_LEASE_TTL_MS: String(LEASE_TTL_MS),
    });
    servers.push({ id, child, url });
  }
  return servers;
}

async function joinAll(servers: Server[], m: BenchMeeting): Promise<Point[]> {
  const points: Point[] = [];
  const rtps = Array.from({ length: N }, (_, i) => {
    const p = new RtpPoint(streamsOf(i));
    p.inspect = i % INSPECT_EVERY === 2 % INSPECT_EVERY;
    return p;
  });
  await joinInBatches(rtps, async (rtp, i) => {
    const server = i % servers.length;
    const url = servers[server]!.url;
    const recvPort = await rtp.bind();
    const client = await TestSignalingClient.connect(url, m.tokens[i]!);
    const joined = await client.request('join', { meetingId: m.meetingId });
    const key = MODE === 'srtp' ? { cryptoSuite: SUITE, keyBase64: newSrtpKey(SUITE) } : undefined;
    const send = await client.request('media.createPlainTransport', { direction: 'send', ...(key ? { srtp: key } : {}) });
    rtp.target = { ip: send.ip, port: send.port };
    const recv = await client.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port: recvPort, ...(key ? { srtp: key } : {}) });
    if (key) rtp.useSrtp(SUITE, key.keyBase64, recv.srtp!.keyBase64);
    await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
    const video = await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(rtp.streams.videoSsrc) });
    const audio = await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(rtp.streams.audioSsrc), paused: !rtp.streams.audio });
    points[i] = { rtp, client, peerId: joined.peerId, server, videoProducer: video.id, audioProducer: audio.id };
  });
  return points;
}

/** The producers piped INTO each server now (its inbound pipes), asked through its internal API. */
async function inboundPipes(servers: Server[], meetingId: string): Promise<string[][]> {
  return Promise.all(
    servers.map(async (s) => {
      const res = await fetch(`${s.url}/internal/cluster/media/pipes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Cluster ${clusterSecret({ AUTH_SECRET })}`, 'x-cluster-server': 'bench' },
        body: JSON.stringify({ meetingId }),
      });
      if (!res.ok) return [];
      const body = (await res.json()) as { inbound: Record<string, string[]> };
      return Object.values(body.inbound).flat();
    }),
  );
}

interface Figures {
  perServer: { id: string; points: number; consumers: number; speaker: string; process: number; workers: number; loss: number; inbound: number; inboundKbps: number }[];
  loss: number;
  delay: { p50: number; p95: number; p99: number };
  crossKbps: number;
  crossStreams: number;
  sentShare: number;
  generatorCpu: number;
  /** SRTP packets that failed authentication at the points (MODE=srtp). */
  authFailures: number;
}

const pctl = (s: Float64Array, q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!);

async function run(servers: Server[], m: BenchMeeting, label: string): Promise<{ figures: Figures; points: Point[] }> {
  const t0 = Date.now();
  const points = await joinAll(servers, m);
  console.log(`  ${label}: ${N} points joined in ${((Date.now() - t0) / 1000).toFixed(1)} s (load ${os.loadavg()[0]!.toFixed(1)})`);
  const stop = startSending(points.map((p) => p.rtp));
  await points[SPEAKER]!.client.request('floor.request', { topic: 'Báo cáo tình hình' });
  await points[CHAIR]!.client.request('floor.give', { accountId: m.accountIds[SPEAKER]! });
  for (let i = 0; i < 40; i++) {
    const snap = await metrics(servers[points[SPEAKER]!.server]!.url, m.adminToken);
    if (snap.rooms[0]?.activeSpeaker === points[SPEAKER]!.peerId) break;
    await sleep(250);
  }
  await sleep(2500);
  for (const p of points) p.rtp.resetCounters();
  const before = servers.map((s) => cpuOf(s.child.pid!));
  const sentBefore = points.map((p) => p.rtp.sent);
  const gen = process.cpuUsage();
  const w0 = Date.now();
  await sleep(SECONDS * 1000);
  const after = servers.map((s) => cpuOf(s.child.pid!));
  const wall = (Date.now() - w0) / 1000;
  const generator = process.cpuUsage(gen);
  const sentPackets = points.map((p, i) => p.rtp.sent - sentBefore[i]!);
  const pipes = await inboundPipes(servers, m.meetingId);
  const snaps = await Promise.all(servers.map((s) => metrics(s.url, m.adminToken)));
  const byProducer = new Map<string, { point: number; kind: 'video' | 'audio' }>();
  points.forEach((p, i) => {
    byProducer.set(p.videoProducer, { point: i, kind: 'video' });
    byProducer.set(p.audioProducer, { point: i, kind: 'audio' });
  });
  // Bytes of a piped producer in the window: what its sender sent of that kind (video 30/s, audio 50/s share its packets).
  const bytesOf = (producer: string): number => {
    const o = byProducer.get(producer);
    if (!o) return 0;
    const rtp = points[o.point]!.rtp;
    const sent = sentPackets[o.point]!;
    const videoShare = rtp.streams.audio ? 30 / 80 : 1;
    return o.kind === 'video' ? sent * videoShare * (VIDEO_BYTES + SRTP_TAG) : sent * (1 - videoShare) * (AUDIO_BYTES + SRTP_TAG);
  };
  const delays: number[] = [];
  let expected = 0;
  let received = 0;
  const perServer = servers.map((s, k) => {
    let e = 0;
    let r = 0;
    for (const p of points) {
      if (p.server !== k) continue;
      const t = p.rtp.tally();
      e += t.expected;
      r += t.received;
      for (const d of p.rtp.delays) delays.push(d);
    }
    expected += e;
    received += r;
    const room = snaps[k]!.rooms.find((x) => x.meetingId === m.meetingId);
    const inboundBytes = pipes[k]!.reduce((sum, pr) => sum + bytesOf(pr), 0);
    const speakerPoint = points.findIndex((p) => p.peerId === room?.activeSpeaker);
    return {
      id: s.id,
      points: points.filter((p) => p.server === k).length,
      consumers: room?.consumers ?? 0,
      speaker: room?.activeSpeaker ? (speakerPoint >= 0 ? `point ${speakerPoint}` : 'remote') : 'none',
      process: (after[k]!.process - before[k]!.process) / wall,
      workers: (after[k]!.workers - before[k]!.workers) / wall,
      loss: e > 0 ? 1 - r / e : NaN,
      inbound: pipes[k]!.length,
      inboundKbps: (inboundBytes * 8) / 1000 / wall,
    };
  });
  const sorted = Float64Array.from(delays).sort();
  const nominal = N * (1000 / 33) + 2 * 50;
  stop();
  return {
    points,
    figures: {
      perServer,
      loss: expected > 0 ? 1 - received / expected : NaN,
      delay: { p50: pctl(sorted, 0.5), p95: pctl(sorted, 0.95), p99: pctl(sorted, 0.99) },
      crossKbps: perServer.reduce((s, x) => s + x.inboundKbps, 0),
      crossStreams: perServer.reduce((s, x) => s + x.inbound, 0),
      sentShare: sentPackets.reduce((a, b) => a + b, 0) / wall / nominal,
      generatorCpu: (generator.user + generator.system) / 1e6 / wall,
      authFailures: points.reduce((sum, p) => sum + p.rtp.authFailures, 0),
    },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function print(label: string, f: Figures): void {
  console.log(`\n${label}`);
  console.log('  server        points consumers  speaker     server CPU  workers CPU   loss   inbound pipes  inbound kbit/s');
  for (const s of f.perServer) {
    console.log(
      `  ${s.id.padEnd(12)} ${String(s.points).padStart(6)} ${String(s.consumers).padStart(9)}  ${s.speaker.padEnd(10)} ${pct(s.process).padStart(10)} ${pct(s.workers).padStart(12)} ${pct(s.loss).padStart(7)} ${String(s.inbound).padStart(14)} ${s.inboundKbps.toFixed(0).padStart(15)}`,
    );
  }
  const cpu = f.perServer.reduce((s, x) => s + x.process + x.workers, 0);
  console.log(
    `  all: CPU ${pct(cpu)} of one core, loss ${pct(f.loss)}, delay p50/p95/p99 ${f.delay.p50.toFixed(1)}/${f.delay.p95.toFixed(1)}/${f.delay.p99.toFixed(1)} ms, between servers ${f.crossStreams} streams ${(f.crossKbps / 1000).toFixed(2)} Mbit/s (derived), SRTP auth failures ${f.authFailures}, generator ${pct(f.generatorCpu)}, sent/nominal ${pct(f.sentShare)}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
}

async function closePoints(points: Point[]): Promise<void> {
  for (const p of points) {
    p.client.close();
    p.rtp.close();
  }
}

/** SIGKILLs the last server; how long until a client on each other server has peerLeft for every one of its points. */
async function killOne(servers: Server[], points: Point[]): Promise<void> {
  const dead = servers.length - 1;
  const gone = new Set(points.filter((p) => p.server === dead).map((p) => p.peerId));
  const watchers = servers.slice(0, dead).map((_, k) => points.find((p) => p.server === k)!);
  const seen = watchers.map((w) => w.client.notifications.length);
  const t0 = performance.now();
  servers[dead]!.child.kill('SIGKILL');
  const times = await Promise.all(
    watchers.map(async (w, k) => {
      const left = new Set<string>();
      for (;;) {
        for (const n of w.client.notifications.slice(seen[k])) if (n.name === 'peerLeft' && gone.has((n.data as { peerId: string }).peerId)) left.add((n.data as { peerId: string }).peerId);
        if (left.size === gone.size) return performance.now() - t0;
        if (performance.now() - t0 > 30_000) return NaN;
        await sleep(20);
      }
    }),
  );
  console.log(
    `\nSIGKILL ${servers[dead]!.id} (${gone.size} points, SERVER_LEASE_TTL_MS=${LEASE_TTL_MS}): all of them gone from the roster of a client on ${watchers.map((w, k) => `${servers[w.server]!.id} after ${(times[k]! / 1000).toFixed(2)} s`).join(', ')} (load ${os.loadavg()[0]!.toFixed(1)}). Re-placing its clients on a surviving server is not built yet (not measured).`,
  );
}

async function main(): Promise<void> {
  if (!redisServerBin()) throw new Error(REDIS_MISSING);
  if (!postgresAvailable()) throw new Error('PostgreSQL is not installed (bash scripts/setup.sh --test)');
  console.log(`Several servers: ${N} points, ${SECONDS} s windows, ${MODE} RTP at the points, ${WORKERS} mediasoup worker(s) per server, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  const [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
  const started: Server[] = [];
  try {
    // Baseline: the meeting on one server (same engines, its own database).
    const oneShared = { DATABASE_URL: pg.url(await pg.createDatabase()), REDIS_URL: redis.url, AUTH_SECRET };
    const one = await startServers(1, 'one', oneShared);
    started.push(...one);
    const oneMeeting = await prepareMeeting(oneShared.DATABASE_URL, fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-several-')), N);
    const base = await run(one, oneMeeting, 'one server');
    await closePoints(base.points);
    one[0]!.child.kill('SIGTERM');
    await sleep(1000);

    const shared = { DATABASE_URL: pg.url(await pg.createDatabase()), REDIS_URL: redis.url, AUTH_SECRET };
    const three = await startServers(3, 'srv', shared);
    started.push(...three);
    const meeting = await prepareMeeting(shared.DATABASE_URL, fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-several-')), N);
    const cluster = await run(three, meeting, 'three servers');
    print(`Baseline: the meeting on ONE server (${N} points)`, base.figures);
    print(`The meeting on THREE servers (${N} points, point i on server i mod 3; chair on srv-a, speaker on srv-b)`, cluster.figures);
    await killOne(three, cluster.points);
    await closePoints(cluster.points);
  } finally {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
    await sleep(1500);
    await pg.stop().catch(() => undefined);
    await redis.stop().catch(() => undefined);
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
