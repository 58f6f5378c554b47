/**
 * Room render benchmark: what the room costs the web client's main thread in a large meeting.
 * POINTS simulated bridge points (plain RTP into the real server, as in load-300.ts: each sends a
 * 180p VP8 stream, four of them an unmuted microphone) and one real web client in Debian's
 * Chromium (Playwright), signed in as an ordinary point and in the room. In two windows of SECONDS
 * it prints, from the page itself:
 * - React commits per second (a minimal React DevTools hook counts `onCommitFiberRoot`, which
 *   production React calls on every commit);
 * - main-thread time per second (Chrome DevTools Protocol `Performance.getMetrics`: TaskDuration,
 *   and of it ScriptDuration, over the window's wall time);
 * - engine state changes and active speaker changes the page saw.
 * Windows: "idle" (nobody speaks: the baseline), then "speaker every 2 s" (one point speaks at a
 * time, loud audio level in its RTP header extension; every 2 s another one takes over, so the
 * server's active speaker, and with it the last-N forwarding, changes every 2 s).
 *
 * With BASELINE_COMMIT=<commit> (e.g. the last commit before the engine split) the web client of
 * that commit is built from `git archive` in a temporary folder (the node_modules of this checkout
 * are linked), served from the same server at /baseline.html, and measured in the same run, in the
 * same room, before the current client: the "before" figures. BASELINE_RENDERER_DIR=<dist folder>
 * uses a build made beforehand instead; CLIENT_DIR=<dist folder> measures that build as "now"
 * instead of renderer/dist (e.g. a change built apart from others' work in progress). Figures only, no assertions. The machine is shared: say
 * the load average (printed) with the figures.
 *
 *   node --import tsx tests/bench/room-render.ts     POINTS=50 SECONDS=20 BASELINE_COMMIT=<sha> VIDEO=1
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { hashPassword } from '../../sfu-server/src/auth/passwords';
import { createLogger } from '../../sfu-server/src/observability/logger';
import { openStore } from '../../sfu-server/src/store/database';
import { CHROMIUM_ARGS } from '../e2e/support/server-env';
import { PASSWORD } from '../support/api-client';
import { openAppAndJoin } from '../support/app-join';
import { TestSignalingClient } from '../support/signaling-test-client';
import { metrics, prepareStore, sleep, startServer } from './support/bench-meeting';
import { audioParameters, RtpPoint, startSending, videoParameters, type PointStreams } from './support/rtp-points';
import { joinInBatches } from './support/join-in-batches';

const POINTS = Math.max(5, Number(process.env['POINTS'] ?? 50));
const SECONDS = Math.max(4, Number(process.env['SECONDS'] ?? 20));
const VIDEO = process.env['VIDEO'] !== '0';
const SPEAKERS = [1, 2, 3, 4];
const CHAIR = 0;
const SPEAKER_EVERY_MS = 2000;
const LOUD = 5;
const SILENT = 127;
const PORT = 20000 + (process.pid % 900);
const TARGET = 0.05;
/** TRACE=1: a Chrome trace of the speaker window; prints where the page's main thread spent it. */
const TRACE = process.env['TRACE'] === '1';
/**
 * PROFILE=1: a CPU profile and a sampled allocation profile of the speaker window; prints the page's
 * top functions by own time and by bytes allocated, and the DOM's changes per second by kind and
 * place. PROFILE_OUT=<prefix>: the CPU profiles are also written to <prefix>-<client>.cpuprofile.
 */
const PROFILE = process.env['PROFILE'] === '1';

/** Counts React commits in the page: the hook React looks for at start (React DevTools' global hook). */
const COMMIT_HOOK = `
  globalThis.__roomRender = { commits: 0, changes: 0, speakerChanges: 0 };
  globalThis.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    isDisabled: false, supportsFiber: true, renderers: new Map(),
    inject() { return 1; },
    onCommitFiberRoot() { globalThis.__roomRender.commits++; },
    onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, onScheduleFiberRoot() {}, checkDCE() {},
    on() {}, off() {}, emit() {}, sub() { return () => {}; },
  };
`;

interface Figures {
  label: string;
  seconds: number;
  commitsPerSecond: number;
  mainThreadShare: number;
  scriptShare: number;
  layoutShare: number;
  styleShare: number;
  stateChangesPerSecond: number;
  speakerChanges: number;
}

interface Counters {
  commits: number;
  changes: number;
  speakerChanges: number;
}

declare global {
  // eslint-disable-next-line no-var
  var __roomRender: Counters;
  // eslint-disable-next-line no-var
  var __roomRenderDom: Record<string, number> | undefined;
}

/** What the bench reads of the page's engine (both builds have it: window.__phonghop). */
interface BenchEngine {
  getState(): { activeSpeakerId: string | null; peers: unknown[] };
  subscribe(listener: () => void): () => void;
}


/** Builds the web client of `commit` in a temporary folder; returns its dist folder. */
function buildBaseline(commit: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-baseline-'));
  console.log(`Building the web client of ${commit} in ${dir} …`);
  const tar = execFileSync('git', ['archive', '--format=tar', commit], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
  execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'renderer', 'dist');
}

/** The current client at /, the baseline (if any) at /baseline.html: both builds' hashed assets side by side. */
function clientDir(dataDir: string, baselineDist: string | null): string {
  const dir = path.join(dataDir, 'client');
  fs.cpSync(path.resolve(process.env['CLIENT_DIR'] ?? 'renderer/dist'), dir, { recursive: true });
  if (baselineDist) {
    fs.cpSync(path.join(baselineDist, 'assets'), path.join(dir, 'assets'), { recursive: true, force: false, errorOnExist: false });
    fs.copyFileSync(path.join(baselineDist, 'index.html'), path.join(dir, 'baseline.html'));
  }
  return dir;
}

async function measureClient(browser: Browser, origin: string, entry: string, label: string, meetingId: string, username: string, speak: (on: boolean) => void): Promise<Figures[]> {
  const context = await browser.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'], viewport: { width: 1366, height: 768 }, serviceWorkers: 'block' });
  // tsx compiles with keepNames: the functions sent to the page call esbuild's __name helper.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  await context.addInitScript(COMMIT_HOOK);
  const page = await context.newPage();
  try {
    await openAppAndJoin(page, origin, meetingId, username, 120_000, entry);
    // Every change of the engine's state, and of the active speaker, as the page sees them.
    await page.evaluate(() => {
      const engine = (window as unknown as { __phonghop: { engine: BenchEngine } }).__phonghop.engine;
      let speaker = engine.getState().activeSpeakerId;
      engine.subscribe(() => {
        globalThis.__roomRender.changes++;
        const now = engine.getState().activeSpeakerId;
        if (now !== speaker) globalThis.__roomRender.speakerChanges++;
        speaker = now;
      });
    });
    await page.waitForFunction((n) => ((window as unknown as { __phonghop: { engine: BenchEngine } }).__phonghop.engine.getState().peers.length >= n), POINTS, { timeout: 120_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const sample = async () => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      const m = new Map(list.map((x) => [x.name, x.value]));
      const c = await page.evaluate(() => ({ ...globalThis.__roomRender }));
      return { at: Date.now(), task: m.get('TaskDuration') ?? 0, script: m.get('ScriptDuration') ?? 0, layout: m.get('LayoutDuration') ?? 0, style: m.get('RecalcStyleDuration') ?? 0, ...c };
    };
    const windowOf = async (name: string): Promise<Figures> => {
      const a = await sample();
      await sleep(SECONDS * 1000);
      const b = await sample();
      const wall = (b.at - a.at) / 1000;
      return {
        label: `${label}, ${name}`,
        seconds: wall,
        commitsPerSecond: (b.commits - a.commits) / wall,
        mainThreadShare: (b.task - a.task) / wall,
        scriptShare: (b.script - a.script) / wall,
        layoutShare: (b.layout - a.layout) / wall,
        styleShare: (b.style - a.style) / wall,
        stateChangesPerSecond: (b.changes - a.changes) / wall,
        speakerChanges: b.speakerChanges - a.speakerChanges,
      };
    };
    speak(false);
    await sleep(5000); // settle: consumers made, tiles reported, layers chosen
    const idle = await windowOf('idle');
    console.log(row(idle));
    speak(true);
    await sleep(3000);
    if (TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'media', 'webrtc'] });
    if (PROFILE) await startProfiles(cdp);
    if (PROFILE) await page.evaluate(watchDom);
    const speaking = await windowOf('speaker every 2 s');
    console.log(row(speaking));
    if (PROFILE) await printProfiles(cdp, label, speaking.seconds);
    if (PROFILE) printDomChanges(label, await page.evaluate(() => globalThis.__roomRenderDom ?? {}), speaking.seconds);
    const videos = await page.evaluate(() =>
      [...document.querySelectorAll('video')].map((v) => ({ playing: !v.paused && v.srcObject !== null, width: v.videoWidth, height: v.videoHeight, shownWidth: v.clientWidth })),
    );
    const sizes = [...new Set(videos.filter((v) => v.playing).map((v) => `${v.width}x${v.height} in ${v.shownWidth} px`))].join(', ');
    console.log(`  ${label}: ${videos.length} <video> elements, ${videos.filter((v) => v.playing).length} playing (${sizes || 'none'})`);
    if (TRACE) {
      const trace = await browser.stopTracing();
      if (process.env['TRACE_OUT']) fs.writeFileSync(process.env['TRACE_OUT'], trace);
      printTraceSummary(label, trace, speaking.seconds);
    }
    speak(false);
    await page.getByRole('button', { name: 'Rời phòng' }).click().catch(() => undefined);
    return [idle, speaking];
  } finally {
    await context.close();
  }
}

type Cdp = Awaited<ReturnType<import('@playwright/test').BrowserContext['newCDPSession']>>;
interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }

/**
 * In the page: counts the DOM's changes in the window (PROFILE=1) by what changed: nodes added or
 * removed, text, or an attribute, and where (the element, and the nearest data-testid above it).
 */
function watchDom(): void {
  const counts: Record<string, number> = {};
  globalThis.__roomRenderDom = counts;
  // Which declarations of a style attribute changed ("width, height").
  const changedDeclarations = (before: string | null, after: string | null): string => {
    const parse = (v: string | null) => new Map((v ?? '').split(';').map((d) => d.split(':').map((x) => x.trim())).filter((d) => d[0]).map((d) => [d[0]!, d[1] ?? '']));
    const a = parse(before);
    const b = parse(after);
    return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).join(', ');
  };
  const where = (node: Node | null): string => {
    const el = node instanceof Element ? node : (node?.parentElement ?? null);
    if (!el) return '?';
    const tested = el.closest('[data-testid]');
    return `${el.tagName.toLowerCase()}${tested ? ` in ${tested.getAttribute('data-testid')}` : ''}`;
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const key = r.type === 'attributes' ? `attribute ${r.attributeName}${r.attributeName === 'style' ? ` (${changedDeclarations(r.oldValue, (r.target as Element).getAttribute('style'))})` : ''} of ${where(r.target)}` : r.type === 'characterData' ? `text of ${where(r.target)}` : `children of ${where(r.target)} (+${r.addedNodes.length} -${r.removedNodes.length})`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeOldValue: true });
}

function printDomChanges(label: string, counts: Record<string, number>, seconds: number): void {
  console.log(`  ${label}, speaker window, DOM changes per second by kind and place:`);
  for (const [what, n] of Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${what.slice(0, 70).padEnd(70)} ${(n / seconds).toFixed(2).padStart(7)}`);
}

async function startProfiles(cdp: Cdp): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

const where = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}:${f.columnNumber + 1}`;

/** The page's JavaScript in the window: own time per function, and bytes allocated per function (sampled). */
async function printProfiles(cdp: Cdp, label: string, seconds: number): Promise<void> {
  const { profile } = await cdp.send('Profiler.stop');
  if (process.env['PROFILE_OUT']) fs.writeFileSync(`${process.env['PROFILE_OUT']}-${label.split(' ')[0]}.cpuprofile`, JSON.stringify(profile));
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const key = where(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  });
  console.log(`  ${label}, speaker window, JavaScript own time, ms per second:`);
  for (const [name, ms] of [...self].filter(([n]) => !n.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${name.slice(0, 70).padEnd(70)} ${(ms / seconds).toFixed(2).padStart(7)}`);
  const { profile: heap } = await cdp.send('HeapProfiler.stopSampling');
  const bytes = new Map<string, number>();
  const walk = (node: typeof heap.head) => {
    const key = where(node.callFrame);
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(heap.head);
  console.log(`  ${label}, speaker window, sampled allocations (collected ones included) by function, kB:`);
  for (const [name, b] of [...bytes].sort((a, z) => z[1] - a[1]).slice(0, 12)) console.log(`    ${name.slice(0, 70).padEnd(70)} ${(b / 1024).toFixed(0).padStart(7)}`);
}

interface TraceEvent { name: string; ph: string; pid: number; tid: number; dur?: number; args?: { name?: string } }

/** The main thread's own time per kind of task (the trace's top-level events on CrRendererMain). */
function printTraceSummary(label: string, trace: Buffer, seconds: number): void {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return console.log(`  ${label}: no renderer main thread in the trace`);
  const totals = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur / 1000);
  }
  const top = [...totals].sort((x, y) => y[1] - x[1]).slice(0, 18);
  console.log(`  ${label}, speaker window, main thread ms per second by trace event (nested events counted in their parents too):`);
  for (const [name, ms] of top) console.log(`    ${name.padEnd(40)} ${(ms / seconds).toFixed(1).padStart(7)}`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(8);
const row = (w: Figures) =>
  [w.label.padEnd(44), w.commitsPerSecond.toFixed(1).padStart(9), pct(w.mainThreadShare), pct(w.scriptShare), pct(w.layoutShare), pct(w.styleShare), w.stateChangesPerSecond.toFixed(1).padStart(9), String(w.speakerChanges).padStart(9)].join(' ');

async function main(): Promise<void> {
  const load = os.loadavg();
  console.log(`Room render: ${POINTS} simulated points${VIDEO ? ' sending video' : ''}, ${SECONDS} s windows, ${os.availableParallelism()} cores, load average ${load.map((x) => x.toFixed(1)).join(' ')} at start`);
  const baselineDist = process.env['BASELINE_RENDERER_DIR'] ? path.resolve(process.env['BASELINE_RENDERER_DIR']) : process.env['BASELINE_COMMIT'] ? buildBaseline(process.env['BASELINE_COMMIT']) : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-room-render-'));
  const meeting = await prepareStore(dataDir, POINTS + 1);
  // The browser's account (the last one): a known password, to sign in through the login page.
  const browserIndex = POINTS;
  const username = `diemcau${browserIndex + 1}`;
  {
    const store = await openStore({ dataDir, logger: createLogger('silent') });
    await store.db.updateTable('accounts').set({ password_hash: await hashPassword(PASSWORD) }).where('username', '=', username).execute();
    await store.close();
  }
  const { child, url } = await startServer(dataDir, PORT, { PLAIN_RTP_ENABLED: '1', RENDERER_DIR: clientDir(dataDir, baselineDist), LOGIN_RATE_PER_MINUTE: '1000' });
  const streamsOf = (i: number): PointStreams => ({ videoSsrc: 300_000 + i * 2, audioSsrc: 300_001 + i * 2, audio: SPEAKERS.includes(i) ? { level: SILENT } : null });
  const points = Array.from({ length: POINTS }, (_, i) => new RtpPoint(streamsOf(i)));
  const clients: TestSignalingClient[] = [];
  let rotation: ReturnType<typeof setInterval> | null = null;
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const rows: Figures[] = [];
  try {
    // The chair first: a meeting this large starts with the floor controlled; the bench lets the
    // speaking points talk without asking (their microphones are on from the start).
    await joinInBatches(points, async (point, idx) => {
      const recvPort = await point.bind();
      const client = await TestSignalingClient.connect(url, meeting.tokens[idx]!);
      clients[idx] = client;
      const joined = await client.request('join', { meetingId: meeting.meetingId });
      if (idx === CHAIR) await client.request('floor.settings', { controlled: false });
      const send = await client.request('media.createPlainTransport', { direction: 'send' });
      point.target = { ip: send.ip, port: send.port };
      await client.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port: recvPort });
      await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
      if (VIDEO) await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(point.streams.videoSsrc) });
      if (point.streams.audio) await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(point.streams.audioSsrc), paused: false });
    });
    const stopSending = VIDEO ? startSending(points) : startSending(points.filter((p) => p.streams.audio));
    let turn = 0;
    const speak = (on: boolean) => {
      if (rotation) clearInterval(rotation);
      rotation = null;
      for (const i of SPEAKERS) points[i]!.streams.audio!.level = SILENT;
      if (!on) return;
      const next = () => {
        for (const i of SPEAKERS) points[i]!.streams.audio!.level = SILENT;
        points[SPEAKERS[turn++ % SPEAKERS.length]!]!.streams.audio!.level = LOUD;
      };
      next();
      rotation = setInterval(next, SPEAKER_EVERY_MS);
    };
    const before = await metrics(url, meeting.adminToken);
    console.log(`  room ready: ${before.rooms[0]?.participants ?? '?'} in the room before the browser`);
    console.log('');
    console.log(`${'client, window'.padEnd(44)} commits/s   main th.   script   layout    style  changes/s  speakers`);
    if (baselineDist) rows.push(...(await measureClient(browser, url, '/baseline.html', 'before (baseline build)', meeting.meetingId, username, speak)));
    rows.push(...(await measureClient(browser, url, '/', 'now (this checkout)', meeting.meetingId, username, speak)));
    stopSending();
  } finally {
    if (rotation) clearInterval(rotation);
    await browser.close();
    for (const c of clients) c?.close();
    for (const p of points) p.close();
    child.kill('SIGTERM');
  }
  console.log('');
  console.log(`${'client, window'.padEnd(44)} commits/s   main th.   script   layout    style  changes/s  speakers`);
  for (const r of rows) console.log(row(r));
  const now = rows.filter((r) => r.label.startsWith('now')).at(-1);
  console.log(
    `main th. = the page's main-thread busy time (CDP TaskDuration) per second of wall time; script, layout, style = its JavaScript, layout and style-recalculation parts. Target: < ${TARGET * 100} % of the main thread at steady state with the speaker changing every 2 s${now ? ` (now: ${(now.mainThreadShare * 100).toFixed(1)} %)` : ''}. Load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}.`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
