/**
 * Benchmark: VIEWERS (default 1000) simulated HLS viewers on loopback follow the live playlist of a
 * real broadcast for SECONDS (default 30): two bridge points send pictures and tones over plain
 * RTP, the chair turns the broadcast on, ffmpeg composes it into 1-second segments.
 *
 * Each viewer behaves like hls.js at the live edge: fetches the playlist every target duration,
 * starts LIVE_SYNC_SEGMENTS (2) behind the newest segment, and fetches every new segment once.
 * Printed, in the same run, for
 *   - baseline: a plain static file server (node:http + fs, no authorisation) serving the same folder;
 *   - phonghop: the server's `/live/<meeting>/<token>/…` (every request checked: HMAC token, then
 *     session and meeting rule, cached 5 s per token), 1 000 distinct viewers' tokens:
 * server CPU (main process, % of one core), segment fetch latency p50/p95/p99, playlist p95,
 * errors, and the delay from a segment's EXT-X-PROGRAM-DATE-TIME (ffmpeg's clock when it composed
 * the segment's first frame) to when a player 2 segments behind the edge shows it
 * (= when the viewer has fetched segment s+2). The composition's own cost (ffmpeg CPU) is printed
 * once. Capture → composer (RTP, ffmpeg's input buffering) is not in that delay: see
 * docs/ARCHITECTURE.md (the Playwright spec measures floor change → viewer's picture end to end).
 *
 *   node --import tsx tests/bench/broadcast-viewers.ts            (VIEWERS=200 SECONDS=15 to shorten)
 * The viewers run in a child process (this file with --viewers), so their CPU is not the server's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { opusParameters, sendColour, sendTone, stopAll, vp8Parameters } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { WatchTokens } from '../../sfu-server/src/broadcast/watch-token';

const VIEWERS = Number(process.env.VIEWERS ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 30);
/** Viewers join over this many seconds before the measured window (their connections are opened then). */
const RAMP_SECONDS = Number(process.env.RAMP_SECONDS ?? 10);
/** Load-generator processes (the viewers are split between them), so one event loop is not the limit. */
const GENERATORS = Number(process.env.GENERATORS ?? 2);
const LIVE_SYNC_SEGMENTS = 2;

interface ViewerReport {
  segmentMs: number[];
  playlistMs: number[];
  delayMs: number[];
  errors: number;
  bytes: number;
  /** Connections opened during the measured window (after the ramp), and how long their set-up took. */
  connects: number;
  connectMs: number[];
  /** The generator's own CPU (% of one core) and event-loop delay p99 (ms) over the measured window. */
  cpu: number;
  loopP99: number;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

// ---------------------------------------------------------------- the viewers (child processes)
// Each viewer is one player as hls.js runs it in a browser: its own keep-alive connection (one
// socket, requests one after another), opened while the viewers join over RAMP_SECONDS at random
// moments (not all in the same millisecond: 1 000 simultaneous connects overflow the listen queue and
// the dropped SYNs come back after 1, 3, 7 s — that, not the server, was most of the old tail), then
// the playlist every target duration at the viewer's own phase (from the previous reload's send,
// as hls.js times its reloads), each new segment fetched once. Only requests sent after the ramp are
// measured, from just before the request is written to the end of its body.
async function runViewers(urlsFile: string, rampSeconds: number, seconds: number): Promise<void> {
  const urls = JSON.parse(fs.readFileSync(urlsFile, 'utf8')) as string[];
  const report: ViewerReport = { segmentMs: [], playlistMs: [], delayMs: [], errors: 0, bytes: 0, connects: 0, connectMs: [], cpu: 0, loopP99: 0 };
  const measureFrom = performance.now() + rampSeconds * 1000;
  const debug = { serverEnded: 0, closed: 0, errors: {} as Record<string, number> };
  if (process.env.BENCH_DEBUG) setInterval(() => process.stderr.write(`debug ${JSON.stringify(debug)}\n`), 5000).unref();
  const end = Date.now() + (rampSeconds + seconds) * 1000;
  const get = (agent: http.Agent, url: string) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = http.get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('socket', (socket) => {
        if (process.env.BENCH_DEBUG && !(socket as { seen?: boolean }).seen) {
          (socket as { seen?: boolean }).seen = true;
          socket.once('end', () => (debug.serverEnded++));
          socket.once('close', () => (debug.closed++));
        }
        if (!socket.connecting) return;
        const c0 = performance.now();
        socket.once('connect', () => {
          if (c0 < measureFrom) return;
          report.connects++;
          report.connectMs.push(performance.now() - c0);
        });
      });
      req.on('error', (e) => {
        if (process.env.BENCH_DEBUG) debug.errors[e.message] = (debug.errors[e.message] ?? 0) + 1;
        reject(e);
      });
      // A request unanswered for 10 s counts as an error (the phase must end).
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    });
  const viewer = async (playlistUrl: string, startDelay: number) => {
    await new Promise((r) => setTimeout(r, startDelay));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const base = playlistUrl.replace(/index\.m3u8$/, '');
    const fetched = new Map<string, number>();
    const pdt = new Map<string, number>();
    const delayDone = new Set<string>();
    let started = false;
    while (Date.now() < end) {
      const t0 = performance.now();
      const measured = t0 >= measureFrom;
      let text = '';
      try {
        const res = await get(agent, playlistUrl);
        if (measured) report.playlistMs.push(performance.now() - t0);
        if (res.status !== 200) report.errors++;
        text = res.body.toString('utf8');
      } catch {
        if (measured) report.errors++;
      }
      const names: string[] = [];
      let lastPdt = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) lastPdt = Date.parse(line.slice(25).replace(/\+0000$/, 'Z'));
        else if (line.endsWith('.ts')) {
          names.push(line);
          if (lastPdt) pdt.set(line, lastPdt);
        }
      }
      const wanted = started ? names.filter((n) => !fetched.has(n)) : names.slice(-1 - LIVE_SYNC_SEGMENTS);
      started = started || names.length > 0;
      for (const name of wanted) {
        const s0 = performance.now();
        try {
          const res = await get(agent, base + name);
          if (s0 >= measureFrom) {
            report.segmentMs.push(performance.now() - s0);
            report.bytes += res.body.length;
          }
          if (res.status !== 200 && s0 >= measureFrom) report.errors++;
          fetched.set(name, Date.now());
        } catch {
          if (s0 >= measureFrom) report.errors++;
        }
      }
      // A player LIVE_SYNC_SEGMENTS behind the edge shows segment i when segment i+2 has arrived.
      const order = [...fetched.keys()].slice(-(LIVE_SYNC_SEGMENTS + 12));
      for (let i = 0; i + LIVE_SYNC_SEGMENTS < order.length; i++) {
        const shown = fetched.get(order[i + LIVE_SYNC_SEGMENTS]!)!;
        const composed = pdt.get(order[i]!);
        if (composed && !delayDone.has(order[i]!) && performance.now() >= measureFrom) {
          report.delayMs.push(shown - composed);
          delayDone.add(order[i]!);
        }
      }
      for (const k of [...fetched.keys()].slice(0, -30)) fetched.delete(k);
      // The next reload one target duration after this one was sent (at once if that has passed).
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1000 - performance.now())));
    }
    agent.destroy();
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let cpu0 = process.cpuUsage();
  let wall0 = performance.now();
  setTimeout(() => {
    loop.enable();
    cpu0 = process.cpuUsage();
    wall0 = performance.now();
  }, rampSeconds * 1000);
  await Promise.all(urls.map((u) => viewer(u, Math.random() * rampSeconds * 1000)));
  const cpu = process.cpuUsage(cpu0);
  report.cpu = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;
  report.loopP99 = loop.percentile(99) / 1e6;
  process.stdout.write(JSON.stringify(report));
}

// ---------------------------------------------------------------- the bench (parent)
function cpuOfPid(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function composerPids(outDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(outDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The kernel's count of connections dropped because a listen queue was full (whole machine). */
function listenOverflows(): number {
  const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/);
  return Number(values[names.indexOf('ListenOverflows')] ?? 0);
}

interface Phase {
  name: string;
  /** The serving process's CPU (% of one core) over the phase. */
  cpu: number;
  report: ViewerReport;
  /** Generators' CPU (% of a core each) and event-loop delay p99 (ms). */
  generators: { cpu: number; loopP99: number }[];
  accepted: number;
  overflows: number;
  load: string;
  /** The serving process's event-loop delay p99 (ms): its answers wait at least that long. */
  serverLoopP99: number;
  /** In the server: from the request's headers parsed to its response handed to the kernel (ms). */
  serverMs: number[];
  /** Requests the server received but never answered (their connection closed first, or still open at the end). */
  unanswered: number;
}

async function phase(name: string, urls: string[], server: http.Server): Promise<Phase> {
  let accepted = 0;
  const onConnection = () => accepted++;
  server.on('connection', onConnection);
  const serverMs: number[] = [];
  let received = 0;
  const open = new Map<http.ServerResponse, { kind: string; t: number }>();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const t = performance.now();
    received++;
    if (process.env.BENCH_DEBUG) open.set(res, { kind: req.url?.endsWith('.m3u8') ? 'playlist' : 'segment', t });
    res.once('finish', () => {
      serverMs.push(performance.now() - t);
      open.delete(res);
    });
    res.once('close', () => {
      const o = open.get(res);
      if (o) process.stderr.write(`debug unanswered ${o.kind} closed after ${(performance.now() - o.t).toFixed(0)} ms, headersSent ${res.headersSent}, writableEnded ${res.writableEnded}\n`);
      open.delete(res);
    });
  };
  server.prependListener('request', onRequest);
  const overflows0 = listenOverflows();
  const serverLoop = monitorEventLoopDelay({ resolution: 10 });
  serverLoop.enable();
  const load0 = os.loadavg()[0]!.toFixed(1);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const slices = Array.from({ length: GENERATORS }, (_, g) => urls.filter((_, i) => i % GENERATORS === g));
  const reports = await Promise.all(
    slices.map(async (slice, g) => {
      const file = path.join(os.tmpdir(), `bench-viewers-${process.pid}-${name}-${g}.json`);
      fs.writeFileSync(file, JSON.stringify(slice));
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--viewers', file, String(RAMP_SECONDS), String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(file, { force: true });
      return JSON.parse(out) as ViewerReport;
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  server.off('connection', onConnection);
  server.off('request', onRequest);
  serverLoop.disable();
  const report: ViewerReport = { segmentMs: [], playlistMs: [], delayMs: [], errors: 0, bytes: 0, connects: 0, connectMs: [], cpu: 0, loopP99: 0 };
  for (const r of reports) {
    report.segmentMs.push(...r.segmentMs);
    report.playlistMs.push(...r.playlistMs);
    report.delayMs.push(...r.delayMs);
    report.connectMs.push(...r.connectMs);
    report.errors += r.errors;
    report.bytes += r.bytes;
    report.connects += r.connects;
  }
  return {
    name,
    cpu: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
    report,
    generators: reports.map((r) => ({ cpu: Math.round(r.cpu), loopP99: Math.round(r.loopP99) })),
    accepted,
    overflows: listenOverflows() - overflows0,
    load: `${load0}→${os.loadavg()[0]!.toFixed(1)}`,
    serverLoopP99: serverLoop.percentile(99) / 1e6,
    serverMs,
    unanswered: received - serverMs.length,
  };
}

const summary = (r: Phase) => ({ cpu: Math.round(r.cpu), segP50: Math.round(pct(r.report.segmentMs, 50)), segP95: Math.round(pct(r.report.segmentMs, 95)), segP99: Math.round(pct(r.report.segmentMs, 99)), playlistP50: Math.round(pct(r.report.playlistMs, 50)), playlistP95: Math.round(pct(r.report.playlistMs, 95)), playlists: r.report.playlistMs.length, segments: r.report.segmentMs.length, errors: r.report.errors, connectsInWindow: r.report.connects, connectP95: Math.round(pct(r.report.connectMs, 95)), accepted: r.accepted, listenOverflows: r.overflows, generators: r.generators, serverLoopP99: Math.round(r.serverLoopP99), inServerP95: Math.round(pct(r.serverMs, 95)), unanswered: r.unanswered, delayP50: pct(r.report.delayMs, 50), delayP95: pct(r.report.delayMs, 95), load: r.load });

async function main(): Promise<void> {
  const server = await startTestServer({ PLAIN_RTP_ENABLED: '1', HEARTBEAT_SECONDS: '60', LOG_LEVEL: 'silent', ...(process.env.HTTP_HEADERS_TIMEOUT_SECONDS ? { HTTP_HEADERS_TIMEOUT_SECONDS: process.env.HTTP_HEADERS_TIMEOUT_SECONDS } : {}) });
  const senders: ChildProcess[] = [];
  const sockets: TestSignalingClient[] = [];
  let staticServer: http.Server | undefined;
  try {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu A');
    const b = await person(admin, 'operator', 'Điểm cầu B');
    const viewer = await person(admin, 'observer', 'Người theo dõi');
    const meeting = await liveMeeting(admin, [a, b]);
    await meeting.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/viewers`, { accountIds: [viewer.id] });
    for (const [p, colour, tone, ssrc] of [[a, 'red', 440, 5000], [b, 'blue', 880, 6000]] as const) {
      const c = await TestSignalingClient.connect(server.url, p.token);
      sockets.push(c);
      await c.request('join', { meetingId: meeting.id });
      const audio = await c.request('media.createPlainTransport', { direction: 'send' });
      const video = await c.request('media.createPlainTransport', { direction: 'send' });
      await c.request('produce', { transportId: audio.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(ssrc + 1) });
      await c.request('produce', { transportId: video.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(ssrc + 2) });
      senders.push(sendTone(tone, ssrc + 1, audio.ip, audio.port), sendColour(colour, ssrc + 2, video.ip, video.port));
    }
    await meeting.chair.api.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true });
    const dir = server.broadcast.dirOf(meeting.id);
    const t0 = Date.now();
    while (!fs.existsSync(path.join(dir, 'index.m3u8')) || fs.readFileSync(path.join(dir, 'index.m3u8'), 'utf8').split('.ts').length < 5) {
      if (Date.now() - t0 > 120_000) throw new Error('the broadcast did not start');
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`broadcast running ${((Date.now() - t0) / 1000).toFixed(1)} s after it was turned on`);

    // VIEWERS sessions of the viewer account, written as a login would (1 000 scrypt logins would
    // take minutes and are not what is measured), each with its own broadcast URL: distinct tokens,
    // signed with the server's key as GET /api/meetings/:id/broadcast signs them (checked below once
    // through the API).
    const now = new Date();
    const tokens = WatchTokens.fromDataDir(server.dataDir);
    const exp = Math.ceil((Date.now() / 1000 + 12 * 3600) / 3600) * 3600;
    const urls: string[] = [];
    const rows = [];
    for (let i = 0; i < VIEWERS; i++) {
      const sid = randomUUID();
      rows.push({ id: sid, account_id: viewer.id, refresh_hash: randomBytes(32).toString('hex'), created_at: now.toISOString(), expires_at: new Date(now.getTime() + 86_400_000).toISOString(), revoked_at: null, absolute_expires_at: new Date(now.getTime() + 86_400_000).toISOString(), previous_refresh_hash: null, rotated_at: null });
      urls.push(`${server.url}/live/${meeting.id}/${tokens.sign({ meetingId: meeting.id, accountId: viewer.id, sessionId: sid, exp })}/index.m3u8`);
    }
    for (let i = 0; i < rows.length; i += 200) await server.store.db.insertInto('sessions').values(rows.slice(i, i + 200) as never).execute();
    const viaApi = await new TestApi(server.url, (await server.auth.signer.signAccess({ sub: viewer.id, sid: rows[0]!.id })).token).ok('GET', `/api/meetings/${meeting.id}/broadcast`);
    if (server.url + viaApi.playlistUrl !== urls[0]) throw new Error('the bench signs tokens differently from the server');

    // Baseline: the same folder from a plain static file server, no authorisation.
    staticServer = http.createServer((req, res) => {
      const file = path.join(dir, path.basename(req.url ?? ''));
      fs.readFile(file, (err, data) => {
        if (err) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t' }).end(data);
      });
    });
    // The same listen backlog as the server's (HTTP_LISTEN_BACKLOG), so both are measured, not the listen queue.
    await new Promise<void>((r) => staticServer!.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => r()));
    const port = (staticServer.address() as { port: number }).port;
    const baselineUrls = urls.map(() => `http://127.0.0.1:${port}/index.m3u8`);

    const composerCpu0 = composerPids(dir).reduce((s, pid) => s + cpuOfPid(pid), 0);
    const c0 = Date.now();
    if (process.env.BENCH_DEBUG) {
      const b = server.broadcast as unknown as { mayFetch: (m: string, t: string) => Promise<boolean> };
      const original = b.mayFetch.bind(b);
      let inFlight = 0;
      let slow = 0;
      b.mayFetch = async (m, t) => {
        const t0 = performance.now();
        inFlight++;
        try {
          return await original(m, t);
        } finally {
          inFlight--;
          if (performance.now() - t0 > 1000) slow++;
        }
      };
      setInterval(() => process.stderr.write(`debug mayFetch in flight ${inFlight}, slower than 1 s ${slow}\n`), 5000).unref();
    }
    const baseline = await phase('baseline', baselineUrls, staticServer);
    console.log(`baseline: ${JSON.stringify(summary(baseline))}`);
    const ours = await phase('phonghop', urls, server.app.server);
    console.log(`phonghop: ${JSON.stringify(summary(ours))}`);
    const composerCpu = ((composerPids(dir).reduce((s, pid) => s + cpuOfPid(pid), 0) - composerCpu0) / ((Date.now() - c0) / 1000)) * 100;

    console.log(`\n${VIEWERS} viewers joining over ${RAMP_SECONDS} s, then measured ${SECONDS} s each phase, ${GENERATORS} generator processes, loopback, 1-s segments, load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared machine)`);
    console.log('| server | load (1-min, start→end) | serving CPU (% of a core) / loop p99 ms | generators CPU % / loop p99 ms | segment fetch p50 / p95 / p99 (ms) | playlist p50 / p95 (ms) | in the server p95 (ms) | segments / playlists | errors | connections opened in the window (p95 set-up ms) | listen-queue drops (machine) | composed → shown p50 / p95 (s) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of [baseline, ours]) {
      const x = r.report;
      console.log(`| ${r.name} | ${r.load} | ${r.cpu.toFixed(0)} / ${r.serverLoopP99.toFixed(0)} | ${r.generators.map((g) => `${g.cpu} / ${g.loopP99}`).join(', ')} | ${pct(x.segmentMs, 50).toFixed(1)} / ${pct(x.segmentMs, 95).toFixed(1)} / ${pct(x.segmentMs, 99).toFixed(1)} | ${pct(x.playlistMs, 50).toFixed(1)} / ${pct(x.playlistMs, 95).toFixed(1)} | ${pct(r.serverMs, 95).toFixed(1)} | ${x.segmentMs.length} / ${x.playlistMs.length} | ${x.errors} | ${x.connects} (${pct(x.connectMs, 95).toFixed(0)}) | ${r.overflows} | ${(pct(x.delayMs, 50) / 1000).toFixed(2)} / ${(pct(x.delayMs, 95) / 1000).toFixed(2)} |`);
    }
    console.log(`composition (ffmpeg, H.264 720p25 + AAC): ${composerCpu.toFixed(0)} % of a core during the run (the baseline and phonghop phases share it)`);
  } finally {
    stopAll(senders);
    for (const s of sockets) s.close();
    staticServer?.close();
    await server.close();
  }
}

if (process.argv[2] === '--viewers') {
  void runViewers(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
