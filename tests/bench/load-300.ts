/**
 * Load benchmark: up to 300 simulated bridge points in one session, without browsers. Each point
 * sends a 180p VP8 stream (~150 kbit/s, synthetic RTP) and muted audio through plain RTP
 * transports (`media.createPlainTransport`, enabled with PLAIN_RTP_ENABLED), and receives the
 * chair's and the current speaker's audio and video. As in a real provincial conference (a meeting
 * this large starts in controlled mode), the speaking point asks for the floor and the chair gives
 * it, which unmutes its microphone on the server; the server then detects it as the active speaker
 * (its audio carries a loud audio level). For 50/100/200/300 points it prints the CPU of the
 * server process and of its mediasoup workers, the receive packet loss, and the same for the same
 * streams forwarded by bare mediasoup in a child process with no application around it (the ratio
 * is our overhead). Figures only, no assertions.
 *
 *   node --import tsx tests/bench/load-300.ts      POINTS=50,100,200,300  SECONDS=8
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
import { audioParameters, RtpPoint, startSending, videoParameters, type PointStreams } from './support/rtp-points';

const COUNTS = (process.env['POINTS'] ?? '50,100,200,300').split(',').map(Number).filter((n) => n >= 2);
const SECONDS = Number(process.env['SECONDS'] ?? 8);
const MAX = Math.max(...COUNTS);
const MAX_PEERS_PER_ROUTER = 150;
const CHAIR = 0;
const SPEAKER = 1;
const PORT = 18000 + (process.pid % 900);

interface Phase {
  consumers: number;
  processCpu: number;
  workersCpu: number;
  loss: number;
  received: number;
}

function streamsOf(i: number): PointStreams {
  return { videoSsrc: 100_000 + i * 2, audioSsrc: 100_001 + i * 2, audio: i === SPEAKER ? { level: 5 } : i === CHAIR ? { level: 60 } : null };
}

/** Sends for SECONDS after a warm-up and measures CPU of `pid` (+ workers) and the receivers' loss. */
async function measure(pid: number, points: RtpPoint[], consumers: number): Promise<Phase> {
  await sleep(2000);
  for (const p of points) p.resetCounters();
  const before = cpuOf(pid);
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const after = cpuOf(pid);
  const wall = (Date.now() - t0) / 1000;
  let expected = 0;
  let received = 0;
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

async function ourPhase(n: number, { url, pid, meetingId, tokens, accountIds, adminToken }: OurSetup): Promise<Phase> {
  const points = Array.from({ length: n }, (_, i) => new RtpPoint(streamsOf(i)));
  const clients: TestSignalingClient[] = [];
  const peerIds: string[] = [];
  // Points join a few at a time, as bridge points do at the start of a conference.
  for (let i = 0; i < n; i += 10) {
    await Promise.all(
      points.slice(i, i + 10).map(async (point, k) => {
        const idx = i + k;
        const recvPort = await point.bind();
        const client = await TestSignalingClient.connect(url, tokens[idx]!);
        clients[idx] = client;
        const joined = await client.request('join', { meetingId });
        peerIds[idx] = joined.peerId;
        const send = await client.request('media.createPlainTransport', { direction: 'send' });
        point.target = { ip: send.ip, port: send.port };
        await client.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port: recvPort });
        await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
        await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(point.streams.videoSsrc) });
        await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(point.streams.audioSsrc), paused: !point.streams.audio });
      }),
    );
  }
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

async function barePhase(n: number, bare: ChildProcess): Promise<Phase> {
  const points = Array.from({ length: n }, (_, i) => new RtpPoint(streamsOf(i)));
  const recvPorts = await Promise.all(points.map((p) => p.bind()));
  const reply = await bareRequest(bare, { type: 'setup', recvPorts, streams: points.map((p) => p.streams), maxPeersPerRouter: MAX_PEERS_PER_ROUTER, chair: CHAIR, speaker: SPEAKER });
  if (reply.type !== 'ready') throw new Error(`bare mediasoup: ${JSON.stringify(reply)}`);
  points.forEach((p, i) => (p.target = reply.targets[i]!));
  const stop = startSending(points);
  const result = await measure(bare.pid!, points, reply.consumers);
  stop();
  await bareRequest(bare, { type: 'teardown' });
  for (const p of points) p.close();
  return result;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(8);

async function main(): Promise<void> {
  console.log(`Load: ${COUNTS.join('/')} bridge points, ${SECONDS} s each, ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-load-'));
  const { meetingId, tokens, adminToken, accountIds } = await prepareStore(dataDir, MAX);
  const { child, url } = await startServer(dataDir, PORT, { ROUTER_MAX_PEERS: String(MAX_PEERS_PER_ROUTER), PLAIN_RTP_ENABLED: '1' });
  const bare = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/support/bare-sfu.ts'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const rows: string[] = [];
  try {
    for (const n of COUNTS) {
      const ours = await ourPhase(n, { url, pid: child.pid!, meetingId, tokens, accountIds, adminToken });
      const ref = await barePhase(n, bare);
      const ratio = (ours.processCpu + ours.workersCpu) / Math.max(1e-6, ref.processCpu + ref.workersCpu);
      const row = [
        String(n).padStart(6),
        `${ours.consumers}/${ref.consumers}`.padStart(11),
        pct(ours.processCpu),
        pct(ours.workersCpu),
        pct(ours.loss),
        `${Math.round(ours.received)}`.padStart(9),
        pct(ref.processCpu),
        pct(ref.workersCpu),
        pct(ref.loss),
        `${ratio.toFixed(2)}×`.padStart(7),
      ].join(' ');
      rows.push(row);
      console.log(row);
    }
  } finally {
    child.kill('SIGTERM');
    bare.disconnect();
  }
  console.log('');
  console.log(' points  consumers   server  workers     loss  rx pkt/s |  bare:node  workers     loss |  ratio');
  console.log('         ours/bare   (CPU, share of one core)                       (CPU)                 (ours/bare CPU)');
  for (const r of rows) console.log(r);
  console.log(`Target: 300 points on 2 cores, loss < 1 %, ratio ≤ 1.10. Generator CPU: ${(process.cpuUsage().user / 1e6).toFixed(1)} s user.`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
