/**
 * Recording benchmark (issue 14): what recording costs a large meeting, in one run, next to the
 * same meeting unrecorded.
 *
 * POINTS bridge points (300 by default) join one live meeting over plain RTP, as in
 * `load-300.ts` (synthetic 180p VP8 at ~150 kbit/s from every point, muted microphones, each point
 * receiving the chair and the speaker). The chair (point 0) and the speaker (point 1, who is given
 * the floor) send real media instead: ffmpeg's VP8 test picture and an Opus tone
 * (`tests/support/ffmpeg-point.ts`), because those are the streams the recorder writes (the chair's
 * and the floor holder's cameras, every microphone; a muted one is tapped but gets no ffmpeg) and
 * the archive decodes. Then, for SECONDS each:
 *
 *   1. unrecorded: CPU (share of one core) of the server's Node process, of its mediasoup workers
 *      and of its ffmpegs, and their resident memory;
 *   2. recorded (the chair's `recording.start`, after a settling time): the same;
 *   3. after `recording.stop`, while the archive is composed in the background (its cost to a
 *      meeting that goes on).
 *
 * After the stop: the raw streams' bytes per hour of meeting, then the archive is composed (the
 * server's background job, niceness COMPOSE_NICE, 0 by default so the figure is the composition's
 * own speed on this shared machine and not the other users' load): time to compose, speed as a
 * multiple of real time, extrapolated to one hour of meeting, and the archive's bytes per hour.
 *
 *   node --import tsx tests/bench/recording.ts      POINTS=300 SECONDS=60 COMPOSE_NICE=0
 *
 * Figures only, no assertions. Target (issue 14): raw recording adds under 10 % to the workers' CPU.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { opusParameters, sendPicture, sendTone, stopAll, vp8Parameters } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { prepareStore, sleep, startServer } from './support/bench-meeting';
import { childPids, cpuOf, processCpu, rssMb, workerPids } from './support/proc-cpu';
import { audioParameters, RtpPoint, startSending, videoParameters } from './support/rtp-points';
import { joinInBatches } from './support/join-in-batches';

const POINTS = Math.max(3, Number(process.env['POINTS'] ?? 300));
const SECONDS = Number(process.env['SECONDS'] ?? 60);
const SETTLE_SECONDS = Number(process.env['SETTLE_SECONDS'] ?? 10);
const COMPOSE_NICE = process.env['COMPOSE_NICE'] ?? '0';
const CHAIR = 0;
const SPEAKER = 1;
const PORT = 18000 + ((process.pid + 450) % 900);

interface Window {
  node: number;
  workers: number;
  ffmpeg: number;
  ffmpegs: number;
  /** Resident memory at the end of the window, MiB: Node, the workers, the ffmpegs. */
  rss: { node: number; workers: number; ffmpeg: number };
  load: number;
}

/** CPU of the server (Node, workers, ffmpeg children) over SECONDS, and memory at the end. */
async function measure(pid: number): Promise<Window> {
  const before = cpuOf(pid);
  // ffmpegs come and go (a run retried): CPU of those alive at both ends, plus the ones started meanwhile.
  const seen = new Map<number, number>(childPids(pid, 'ffmpeg').map((p) => [p, processCpu(p)]));
  const t0 = Date.now();
  const end = t0 + SECONDS * 1000;
  const last = new Map<number, number>();
  while (Date.now() < end) {
    await sleep(1000);
    for (const p of childPids(pid, 'ffmpeg')) {
      if (!seen.has(p)) seen.set(p, 0);
      last.set(p, processCpu(p));
    }
  }
  const after = cpuOf(pid);
  const wall = (Date.now() - t0) / 1000;
  let ffmpeg = 0;
  for (const [p, start] of seen) ffmpeg += Math.max(0, (last.get(p) ?? start) - start);
  const ffmpegs = childPids(pid, 'ffmpeg');
  return {
    node: (after.process - before.process) / wall,
    workers: (after.workers - before.workers) / wall,
    ffmpeg: ffmpeg / wall,
    ffmpegs: ffmpegs.length,
    rss: {
      node: rssMb(pid),
      workers: workerPids(pid).reduce((sum, w) => sum + rssMb(w), 0),
      ffmpeg: ffmpegs.reduce((sum, f) => sum + (rssMb(f) || 0), 0),
    },
    load: os.loadavg()[0] ?? 0,
  };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}

async function recordings(url: string, token: string, meetingId: string) {
  const res = await fetch(`${url}/api/meetings/${meetingId}/recordings`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`recordings: ${res.status}`);
  return ((await res.json()) as { recordings: Array<{ id: string; status: string; progress: number; durationSeconds: number | null; sizeBytes: number | null; error: string | null }> }).recordings;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(8);
const mb = (x: number) => `${x.toFixed(0)} MiB`.padStart(9);

async function main(): Promise<void> {
  console.log(`Recording: ${POINTS} bridge points, ${SECONDS} s per window, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-recording-bench-'));
  const { meetingId, tokens, adminToken, accountIds } = await prepareStore(dataDir, POINTS);
  const { child, url } = await startServer(dataDir, PORT, { PLAIN_RTP_ENABLED: '1', RECORDING_COMPOSE_NICE: COMPOSE_NICE, RECORDING_MIN_FREE_MB: '64' });
  const pid = child.pid!;
  const senders: ChildProcess[] = [];
  const clients: TestSignalingClient[] = [];
  // The chair and the speaker send real media (ffmpeg); the others synthetic RTP (their microphones muted).
  const points = Array.from({ length: POINTS }, (_, i) => {
    const p = new RtpPoint({ videoSsrc: 100_000 + i * 2, audioSsrc: 100_001 + i * 2, audio: null });
    p.inspect = false;
    return p;
  });
  try {
    await joinInBatches(points, async (point, idx) => {
      const recvPort = await point.bind();
      const client = await TestSignalingClient.connect(url, tokens[idx]!);
      clients[idx] = client;
      const joined = await client.request('join', { meetingId });
      await client.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port: recvPort });
      await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
      if (idx === CHAIR || idx === SPEAKER) {
        // One plain transport per sending process (a comedia transport latches onto the first sender).
        const a = await client.request('media.createPlainTransport', { direction: 'send' });
        const v = await client.request('media.createPlainTransport', { direction: 'send' });
        await client.request('produce', { transportId: v.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(point.streams.videoSsrc) });
        await client.request('produce', { transportId: a.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(point.streams.audioSsrc) });
        senders.push(sendPicture(640, 360, point.streams.videoSsrc, v.ip, v.port), sendTone(idx === CHAIR ? 440 : 880, point.streams.audioSsrc, a.ip, a.port));
      } else {
        const send = await client.request('media.createPlainTransport', { direction: 'send' });
        point.target = { ip: send.ip, port: send.port };
        await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(point.streams.videoSsrc) });
        await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(point.streams.audioSsrc), paused: true });
      }
    });
    const stopSending = startSending(points);
    await clients[SPEAKER]!.request('floor.request', { topic: 'Báo cáo tình hình' });
    await clients[CHAIR]!.request('floor.give', { accountId: accountIds[SPEAKER]! });
    await sleep(SETTLE_SECONDS * 1000);
    console.log(`  ${POINTS} points joined and sending; measuring the meeting unrecorded (load ${os.loadavg()[0]!.toFixed(1)})`);
    const plain = await measure(pid);

    const startedAt = Date.now();
    await clients[CHAIR]!.request('recording.start', {});
    await sleep(SETTLE_SECONDS * 1000);
    const taps = childPids(pid, 'ffmpeg').length;
    console.log(`  recording (${taps} ffmpegs after ${SETTLE_SECONDS} s); measuring`);
    const recorded = await measure(pid);
    await clients[CHAIR]!.request('recording.stop', {});
    const stoppedAt = Date.now();
    const recordedSeconds = (stoppedAt - startedAt) / 1000;
    const [rec] = await recordings(url, adminToken, meetingId);
    if (!rec) throw new Error('no recording listed');
    const rawDir = path.join(dataDir, 'recordings', rec.id);
    // Raw bytes right after the stop (composition removes them once the archive is made).
    await sleep(1500);
    const rawBytes = fs.existsSync(rawDir) ? dirBytes(rawDir) : NaN;
    console.log(`  stopped after ${recordedSeconds.toFixed(0)} s (raw ${(rawBytes / 1e6).toFixed(1)} MB); measuring while the archive is composed`);
    // Composition starts at once in the background: the third window is its cost to the meeting.
    const composing = await measure(pid);
    let item = rec;
    for (;;) {
      item = (await recordings(url, adminToken, meetingId)).find((r) => r.id === rec.id)!;
      if (item.status === 'ready' || item.status === 'failed') break;
      await sleep(1000);
    }
    const composeSeconds = (Date.now() - stoppedAt) / 1000;
    stopSending();
    stopAll(senders);

    const row = (name: string, w: Window) => console.log(`${name.padEnd(30)} ${pct(w.node)} ${pct(w.workers)} ${pct(w.ffmpeg)} ${String(w.ffmpegs).padStart(5)} ${mb(w.rss.node)} ${mb(w.rss.workers)} ${mb(w.rss.ffmpeg)} ${w.load.toFixed(1).padStart(6)}`);
    console.log('');
    console.log(`${'window'.padEnd(30)}     node  workers   ffmpeg  procs  RSS node  workers   ffmpeg  load1`);
    row('meeting, not recorded', plain);
    row('meeting, recorded (raw)', recorded);
    row('meeting, archive composing', composing);
    const added = (recorded.workers - plain.workers) / Math.max(1e-6, plain.workers);
    const addedAll = (recorded.node + recorded.workers + recorded.ffmpeg - plain.node - plain.workers - plain.ffmpeg) / Math.max(1e-6, plain.node + plain.workers + plain.ffmpeg);
    console.log(`Recording adds ${(added * 100).toFixed(1)} % to the workers' CPU (target < 10 %), ${(addedAll * 100).toFixed(1)} % to the server's whole CPU (Node + workers + ffmpeg).`);
    console.log(`Raw streams: ${((rawBytes / recordedSeconds) * 3600 / 1e9).toFixed(2)} GB per hour of meeting (${(rawBytes / 1e6).toFixed(1)} MB for ${recordedSeconds.toFixed(0)} s).`);
    if (item.status === 'ready' && item.durationSeconds) {
      const speed = item.durationSeconds / composeSeconds;
      console.log(
        `Archive: ${item.durationSeconds.toFixed(0)} s composed in ${composeSeconds.toFixed(0)} s (${speed.toFixed(2)}× real time at nice ${COMPOSE_NICE}; one hour ≈ ${(3600 / speed / 60).toFixed(0)} min), ` +
          `${(((item.sizeBytes ?? 0) / item.durationSeconds) * 3600 / 1e9).toFixed(2)} GB per hour.`,
      );
    } else console.log(`Archive: composition ${item.status}: ${item.error ?? ''}`);
  } finally {
    stopAll(senders);
    for (const c of clients) c?.close();
    for (const p of points) p.close();
    child.kill('SIGTERM');
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
