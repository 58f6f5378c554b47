/**
 * Load benchmark: up to 300 simulated bridge points in one session, without browsers. Each point
 * sends a 180p VP8 stream (~150 kbit/s, synthetic RTP) and muted audio through plain RTP
 * transports (`media.createPlainTransport`, enabled with PLAIN_RTP_ENABLED), and receives the
 * chair's and the current speaker's audio and video. As in a real provincial conference (a meeting
 * this large starts in controlled mode), the speaking point asks for the floor and the chair gives
 * it, which unmutes its microphone on the server; the server then detects it as the active speaker
 * (its audio carries a loud audio level). For 50/100/200/300 points it prints the CPU of the
 * server process and of its mediasoup workers, the receive packet loss, the one-way delay through
 * the SFU (p50/p95/p99, from send instants in the payloads), and the same for the same streams
 * forwarded by bare mediasoup in a child process with no application around it (the ratio is our
 * overhead). Figures only, no assertions.
 *
 * Modes (MODES, both by default, each count runs every mode in the same run): `plain` is plain
 * RTP; `srtp` encrypts every point's media both ways (the server's plain transports with
 * `enableSrtp`, keys given in `media.createPlainTransport` as SDES does; the points encrypt and
 * authenticate with werift's SRTP; suite SRTP_SUITE, AEAD_AES_128_GCM by default, or
 * AES_CM_128_HMAC_SHA1_80). A WebRTC stack in Node for 300 points (ICE + DTLS per point) would
 * spend the 2 cores on the generator; the SRTP work in the SFU's workers is the same.
 *
 *   node --import tsx tests/bench/load-300.ts      POINTS=50,100,200,300  SECONDS=8  MODES=plain,srtp
 *
 * The generator, the server and the reference share the machine's cores; the server runs as a
 * child process (as in production), so /proc gives its CPU apart from the generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestSignalingClient } from '../support/signaling-test-client';
import { metrics, prepareStore, sleep, startServer } from './support/bench-meeting';
import type { BareCommand, BareReply } from './support/bare-sfu';
import { cpuOf } from './support/proc-cpu';
import { audioParameters, newSrtpKey, POINT_SRTP_SUITES, RtpPoint, startSending, videoParameters, type PointSrtpSuite, type PointStreams } from './support/rtp-points';
import { joinInBatches } from './support/join-in-batches';

const COUNTS = (process.env['POINTS'] ?? '50,100,200,300').split(',').map(Number).filter((n) => n >= 2);
const SECONDS = Number(process.env['SECONDS'] ?? 8);
const MAX = Math.max(...COUNTS);
const MAX_PEERS_PER_ROUTER = 150;
const CHAIR = 0;
const SPEAKER = 1;
const PORT = 18000 + (process.pid % 900);
type Mode = 'plain' | 'srtp';
const MODES = (process.env['MODES'] ?? 'plain,srtp').split(',').filter((m): m is Mode => m === 'plain' || m === 'srtp');
const SUITE = (process.env['SRTP_SUITE'] ?? 'AEAD_AES_128_GCM') as PointSrtpSuite;
if (!(SUITE in POINT_SRTP_SUITES)) throw new Error(`SRTP_SUITE: one of ${Object.keys(POINT_SRTP_SUITES).join(', ')}`);
/**
 * Every INSPECT_EVERY-th point (the same ones in every mode) opens what it receives: decrypts and
 * authenticates SRTP and reads the send instants (delay percentiles come from these); the others
 * count sequence numbers from the headers only. Decrypting 48 000 packets/s in this process
 * (300 receivers) starved its own sending on the shared machine (a run at load 15–35 sent a
 * fifth of the packets), so the generator opens a sample. INSPECT_EVERY=1 opens everything.
 */
const INSPECT_EVERY = Math.max(1, Number(process.env['INSPECT_EVERY'] ?? 10));
/** Packets per second the points should send: video from everyone, audio from the chair and the speaker. */
const nominalRate = (n: number) => n * (1000 / 33) + 2 * 50;

interface Phase {
  consumers: number;
  processCpu: number;
  workersCpu: number;
  loss: number;
  received: number;
  /** One-way delay percentiles (ms) over every media packet received in the window. */
  delay: { p50: number; p95: number; p99: number; max: number };
  /** SRTP packets that failed authentication at the points. */
  authFailures: number;
  /** This process (the points: sending, receiving, SRTP) over the window, share of one core. */
  generatorCpu: number;
  /** Packets the points sent over the window, as a share of what they should (a starved generator sends fewer). */
  sentShare: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function newPoint(i: number): RtpPoint {
  const point = new RtpPoint(streamsOf(i));
  point.inspect = i % INSPECT_EVERY === 2 % INSPECT_EVERY;
  return point;
}

function streamsOf(i: number): PointStreams {
  return { videoSsrc: 100_000 + i * 2, audioSsrc: 100_001 + i * 2, audio: i === SPEAKER ? { level: 5 } : i === CHAIR ? { level: 60 } : null };
}

/** Sends for SECONDS after a warm-up and measures CPU of `pid` (+ workers) and the receivers' loss. */
async function measure(pid: number, points: RtpPoint[], consumers: number): Promise<Phase> {
  await sleep(2000);
  for (const p of points) p.resetCounters();
  const sentBefore = points.reduce((sum, p) => sum + p.sent, 0);
  const before = cpuOf(pid);
  const generatorBefore = process.cpuUsage();
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const after = cpuOf(pid);
  const generator = process.cpuUsage(generatorBefore);
  const wall = (Date.now() - t0) / 1000;
  const sent = (points.reduce((sum, p) => sum + p.sent, 0) - sentBefore) / wall;
  let expected = 0;
  let received = 0;
  let authFailures = 0;
  const delays = new Float64Array(points.reduce((sum, p) => sum + p.delays.length, 0));
  let at = 0;
  for (const p of points) {
    delays.set(p.delays, at);
    at += p.delays.length;
    authFailures += p.authFailures;
  }
  delays.sort();
  if (process.env['DEBUG_LOSS']) for (const [ssrc, r] of points[5]?.received ?? []) console.log('  ssrc', ssrc, 'expected', r.max - r.first + 1, 'got', r.count);
  for (const p of points) {
    const t = p.tally();
    expected += t.expected;
    received += t.received;
  }
  return {
    consumers,
    processCpu: (after.process - before.process) / wall,
    workersCpu: (after.workers - before.workers) / wall,
    loss: expected > 0 ? 1 - received / expected : 1,
    received: received / wall,
    delay: { p50: percentile(delays, 0.5), p95: percentile(delays, 0.95), p99: percentile(delays, 0.99), max: percentile(delays, 1) },
    authFailures,
    generatorCpu: (generator.user + generator.system) / 1e6 / wall,
    sentShare: sent / nominalRate(points.length),
  };
}

interface OurSetup {
  url: string;
  pid: number;
  meetingId: string;
  tokens: string[];
  accountIds: string[];
  adminToken: string;
}

async function ourPhase(n: number, mode: Mode, { url, pid, meetingId, tokens, accountIds, adminToken }: OurSetup): Promise<Phase> {
  const points = Array.from({ length: n }, (_, i) => newPoint(i));
  const clients: TestSignalingClient[] = [];
  const peerIds: string[] = [];
  // Points join a few at a time, as bridge points do at the start of a conference.
  await joinInBatches(points, async (point, idx) => {
    const recvPort = await point.bind();
    const client = await TestSignalingClient.connect(url, tokens[idx]!);
    clients[idx] = client;
    const joined = await client.request('join', { meetingId });
    peerIds[idx] = joined.peerId;
    const key = mode === 'srtp' ? { cryptoSuite: SUITE, keyBase64: newSrtpKey(SUITE) } : undefined;
    const send = await client.request('media.createPlainTransport', { direction: 'send', ...(key ? { srtp: key } : {}) });
    point.target = { ip: send.ip, port: send.port };
    const recv = await client.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port: recvPort, ...(key ? { srtp: key } : {}) });
    if (key) {
      if (!recv.srtp || recv.srtp.cryptoSuite !== SUITE) throw new Error(`the server did not answer with an SRTP key in ${SUITE}`);
      point.useSrtp(SUITE, key.keyBase64, recv.srtp.keyBase64);
    }
    await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
    await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(point.streams.videoSsrc) });
    await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(point.streams.audioSsrc), paused: !point.streams.audio });
  });
  const stop = startSending(points);
  // The speaking point asks for the floor and the chair gives it (its microphone is then resumed).
  await clients[SPEAKER]!.request('floor.request', { topic: 'Báo cáo tình hình' });
  await clients[CHAIR]!.request('floor.give', { accountId: accountIds[SPEAKER]! });
  // Until the server hears the speaking point as the speaker (the receivers then follow it).
  let snapshot = await metrics(url, adminToken);
  for (let i = 0; i < 60 && snapshot.rooms[0]?.activeSpeaker !== peerIds[SPEAKER]; i++) {
    await sleep(250);
    snapshot = await metrics(url, adminToken);
  }
  await sleep(500);
  snapshot = await metrics(url, adminToken);
  const room = snapshot.rooms.find((r) => r.meetingId === meetingId);
  const speakerOk = room?.activeSpeaker === peerIds[SPEAKER];
  if (!speakerOk) console.log(`  (n=${n}: the server's speaker is ${room?.activeSpeaker === peerIds[CHAIR] ? 'the chair' : String(room?.activeSpeaker)}, not the speaking point)`);
  const result = await measure(pid, points, room?.consumers ?? 0);
  stop();
  await clients[CHAIR]!.request('floor.take', {});
  for (const c of clients) c?.close();
  for (const p of points) p.close();
  for (let i = 0; i < 40 && (await metrics(url, adminToken)).rooms.length > 0; i++) await sleep(250);
  return result;
}

function bareRequest(child: ChildProcess, cmd: BareCommand): Promise<BareReply> {
  return new Promise((resolve) => {
    child.once('message', (reply: BareReply) => resolve(reply));
    child.send(cmd);
  });
}

async function barePhase(n: number, mode: Mode, bare: ChildProcess): Promise<Phase> {
  const points = Array.from({ length: n }, (_, i) => newPoint(i));
  const recvPorts = await Promise.all(points.map((p) => p.bind()));
  const pointKeys = mode === 'srtp' ? points.map(() => newSrtpKey(SUITE)) : [];
  const reply = await bareRequest(bare, {
    type: 'setup',
    recvPorts,
    streams: points.map((p) => p.streams),
    maxPeersPerRouter: MAX_PEERS_PER_ROUTER,
    chair: CHAIR,
    speaker: SPEAKER,
    ...(mode === 'srtp' ? { srtp: { cryptoSuite: SUITE, pointKeys } } : {}),
  });
  if (reply.type !== 'ready') throw new Error(`bare mediasoup: ${JSON.stringify(reply)}`);
  points.forEach((p, i) => {
    p.target = reply.targets[i]!;
    if (mode === 'srtp') p.useSrtp(SUITE, pointKeys[i]!, reply.srtpKeys![i]!);
  });
  const stop = startSending(points);
  const result = await measure(bare.pid!, points, reply.consumers);
  stop();
  await bareRequest(bare, { type: 'teardown' });
  for (const p of points) p.close();
  return result;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(8);
const ms = (d: Phase['delay']) => `${d.p50.toFixed(1)}/${d.p95.toFixed(1)}/${d.p99.toFixed(1)}`.padStart(17);

async function main(): Promise<void> {
  console.log(
    `Load: ${COUNTS.join('/')} bridge points, ${SECONDS} s each, modes ${MODES.join('+')}${MODES.includes('srtp') ? ` (SRTP ${SUITE})` : ''}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start`,
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-load-'));
  const { meetingId, tokens, adminToken, accountIds } = await prepareStore(dataDir, MAX);
  const { child, url } = await startServer(dataDir, PORT, { ROUTER_MAX_PEERS: String(MAX_PEERS_PER_ROUTER), PLAIN_RTP_ENABLED: '1' });
  const bare = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/support/bare-sfu.ts'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const rows: string[] = [];
  try {
    for (const n of COUNTS) {
      for (const mode of MODES) {
        const ours = await ourPhase(n, mode, { url, pid: child.pid!, meetingId, tokens, accountIds, adminToken });
        const ref = await barePhase(n, mode, bare);
        const ratio = (ours.processCpu + ours.workersCpu) / Math.max(1e-6, ref.processCpu + ref.workersCpu);
        const row = [
          String(n).padStart(6),
          mode.padStart(5),
          `${ours.consumers}/${ref.consumers}`.padStart(11),
          pct(ours.processCpu),
          pct(ours.workersCpu),
          pct(ours.loss),
          ms(ours.delay),
          `${Math.round(ours.received)}`.padStart(9),
          pct(ref.processCpu),
          pct(ref.workersCpu),
          pct(ref.loss),
          ms(ref.delay),
          `${ratio.toFixed(2)}×`.padStart(7),
          `${pct(ours.generatorCpu)}/${pct(ref.generatorCpu).trim()}`,
          `${pct(ours.sentShare)}/${pct(ref.sentShare).trim()}`,
          `${(os.loadavg()[0] ?? 0).toFixed(1)}`.padStart(5),
        ].join(' ');
        rows.push(row);
        console.log(row);
        if (ours.authFailures + ref.authFailures > 0) console.log(`  SRTP authentication failures at the points: ours ${ours.authFailures}, bare ${ref.authFailures}`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    bare.disconnect();
  }
  console.log('');
  console.log(' points  mode  consumers   server  workers     loss   delay p50/95/99  rx pkt/s | bare:node workers     loss   delay p50/95/99 |  ratio  generator ours/bare  sent/nominal ours/bare  load1');
  console.log('               ours/bare   (CPU, share of one core)          (ms, one way)            (CPU)                      (ms)      (ours/bare CPU)  (CPU)');
  for (const r of rows) console.log(r);
  console.log(`Target: 300 points on 2 cores, loss < 1 %, ratio ≤ 1.10. Generator CPU: ${(process.cpuUsage().user / 1e6).toFixed(1)} s user.`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
