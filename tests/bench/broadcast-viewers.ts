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
import { fileURLToPath } from 'node:url';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { opusParameters, sendColour, sendTone, stopAll, vp8Parameters } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { WatchTokens } from '../../sfu-server/src/broadcast/watch-token';

const VIEWERS = Number(process.env.VIEWERS ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 30);
const LIVE_SYNC_SEGMENTS = 2;

interface ViewerReport {
  segmentMs: number[];
  playlistMs: number[];
  delayMs: number[];
  errors: number;
  bytes: number;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

// ---------------------------------------------------------------- the viewers (child process)
async function runViewers(urlsFile: string, seconds: number): Promise<void> {
  const urls = JSON.parse(fs.readFileSync(urlsFile, 'utf8')) as string[];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 * urls.length });
  const report: ViewerReport = { segmentMs: [], playlistMs: [], delayMs: [], errors: 0, bytes: 0 };
  const get = (url: string) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = http.get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      // A request unanswered for 10 s counts as an error (the phase must end).
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    });
  const end = Date.now() + seconds * 1000;
  const viewer = async (playlistUrl: string, startDelay: number) => {
    await new Promise((r) => setTimeout(r, startDelay));
    const base = playlistUrl.replace(/index\.m3u8$/, '');
    const fetched = new Map<string, number>();
    const pdt = new Map<string, number>();
    let started = false;
    while (Date.now() < end) {
      const t0 = performance.now();
      let text = '';
      try {
        const res = await get(playlistUrl);
        report.playlistMs.push(performance.now() - t0);
        if (res.status !== 200) report.errors++;
        text = res.body.toString('utf8');
      } catch {
        report.errors++;
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
          const res = await get(base + name);
          report.segmentMs.push(performance.now() - s0);
          report.bytes += res.body.length;
          if (res.status !== 200) report.errors++;
          fetched.set(name, Date.now());
        } catch {
          report.errors++;
        }
      }
      // A player LIVE_SYNC_SEGMENTS behind the edge shows segment i when segment i+2 has arrived.
      const order = [...fetched.keys()];
      for (let i = 0; i + LIVE_SYNC_SEGMENTS < order.length; i++) {
        const shown = fetched.get(order[i + LIVE_SYNC_SEGMENTS]!)!;
        const composed = pdt.get(order[i]!);
        if (composed && !pdt.has(`done:${order[i]}`)) {
          report.delayMs.push(shown - composed);
          pdt.set(`done:${order[i]}`, 1);
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  await Promise.all(urls.map((u, i) => viewer(u, (i * 1000) / urls.length)));
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

async function phase(name: string, urls: string[]): Promise<{ name: string; cpu: number; report: ViewerReport }> {
  const file = path.join(os.tmpdir(), `bench-viewers-${process.pid}-${name}.json`);
  fs.writeFileSync(file, JSON.stringify(urls));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--viewers', file, String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  return { name, cpu: ((cpu.user + cpu.system) / 1e6 / wall) * 100, report: JSON.parse(out) as ViewerReport };
}

const summary = (r: { cpu: number; report: ViewerReport }) => ({ cpu: Math.round(r.cpu), segP50: pct(r.report.segmentMs, 50), segP95: pct(r.report.segmentMs, 95), segP99: pct(r.report.segmentMs, 99), playlistP95: pct(r.report.playlistMs, 95), segments: r.report.segmentMs.length, errors: r.report.errors, delayP50: pct(r.report.delayMs, 50), delayP95: pct(r.report.delayMs, 95) });

async function main(): Promise<void> {
  const server = await startTestServer({ PLAIN_RTP_ENABLED: '1', HEARTBEAT_SECONDS: '60', LOG_LEVEL: 'silent' });
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
    await new Promise<void>((r) => staticServer!.listen(0, '127.0.0.1', () => r()));
    const port = (staticServer.address() as { port: number }).port;
    const baselineUrls = urls.map(() => `http://127.0.0.1:${port}/index.m3u8`);

    const composerCpu0 = composerPids(dir).reduce((s, pid) => s + cpuOfPid(pid), 0);
    const c0 = Date.now();
    const baseline = await phase('baseline', baselineUrls);
    console.log(`baseline: ${JSON.stringify(summary(baseline))}`);
    const ours = await phase('phonghop', urls);
    console.log(`phonghop: ${JSON.stringify(summary(ours))}`);
    const composerCpu = ((composerPids(dir).reduce((s, pid) => s + cpuOfPid(pid), 0) - composerCpu0) / ((Date.now() - c0) / 1000)) * 100;

    console.log(`\n${VIEWERS} viewers × ${SECONDS} s each phase, loopback, 1-s segments, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared machine)`);
    console.log('| server | main-process CPU (% of a core) | segment fetch p50 / p95 / p99 (ms) | playlist p95 (ms) | segments fetched | errors | composed → shown p50 / p95 (s) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of [baseline, ours]) {
      const x = r.report;
      console.log(`| ${r.name} | ${r.cpu.toFixed(0)} | ${pct(x.segmentMs, 50).toFixed(1)} / ${pct(x.segmentMs, 95).toFixed(1)} / ${pct(x.segmentMs, 99).toFixed(1)} | ${pct(x.playlistMs, 95).toFixed(1)} | ${x.segmentMs.length} | ${x.errors} | ${(pct(x.delayMs, 50) / 1000).toFixed(2)} / ${(pct(x.delayMs, 95) / 1000).toFixed(2)} |`);
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
  void runViewers(process.argv[3]!, Number(process.argv[4]));
} else {
  await main();
}
