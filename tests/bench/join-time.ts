/**
 * Join-time benchmark: how long from the click on "Tham gia" until the first frame of a remote video is
 * decoded on the joining page, against the real server and mediasoup workers on loopback; compared with
 * two RTCPeerConnections in one page (no SFU). Prints figures only: no assertions; the exit code is non-zero
 * only when it cannot run at all (e.g. the host cannot join).
 *
 *   node --import tsx tests/bench/join-time.ts        (JOINS=12 by default, CHROMIUM_PATH=/usr/bin/chromium)
 *
 * Both timestamps of a run come from the page's own clock (performance.now()), so Playwright's round trips
 * are not counted. The "first frame" is whichever the page sees first: a requestVideoFrameCallback on the
 * remote <video> (its presentationTime) or getVideoPlaybackQuality().totalVideoFrames > 0 (polled every ~4 ms).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startTestServer } from '../support/test-server';

const JOINS = Math.max(1, Number(process.env.JOINS ?? 12));
const TARGET_P50_MS = 500;
const RENDERER_DIR = path.resolve('renderer/dist');
const OUTPUT = path.resolve('test-results/bench-join-time.json');
const HOST = { name: 'Nguyễn Văn Chủ Trì', point: 'UBND tỉnh Quảng Ninh' };

/** The same browser flags as playwright.config.ts. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** Page-clock timestamps (ms) of one run: start, remote track attached to a <video>, first frame. */
interface Marks {
  startAt: number;
  videoAt: number;
  frameAt: number;
}

/** Durations (ms) of one run, from its start. */
interface Sample {
  video: number;
  frame: number;
}

const sinceStart = (m: Marks): Sample => ({ video: m.videoAt - m.startAt, frame: m.frameAt - m.startAt });

declare global {
  interface Window {
    /** Installed by probeScript: page times at which `find` first returns a <video>, and of its first frame. */
    __benchFirstFrame?: (find: () => HTMLVideoElement | null) => Promise<Omit<Marks, 'startAt'>>;
    __benchJoin?: Promise<Marks>;
  }
}

/** Runs in every page before its own scripts. */
function probeScript(): void {
  window.__benchFirstFrame = (find) =>
    new Promise((resolve, reject) => {
      let watched: HTMLVideoElement | null = null;
      let videoAt = NaN;
      let done = false;
      const finish = (frameAt: number): void => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timeout);
        resolve({ videoAt, frameAt });
      };
      const poll = setInterval(() => {
        const video = find();
        if (!video) return;
        if (video !== watched) {
          if (!watched) videoAt = performance.now();
          watched = video;
          video.requestVideoFrameCallback((_now, meta) => finish(meta.presentationTime));
        }
        if (video.getVideoPlaybackQuality().totalVideoFrames > 0) finish(performance.now());
      }, 1);
      const timeout = setTimeout(() => {
        clearInterval(poll);
        reject(new Error('no remote video frame within 30 s'));
      }, 30_000);
    });
}

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'] });
  // tsx compiles with keepNames: the functions sent to the page call esbuild's __name helper.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  await context.addInitScript(probeScript);
  return { context, page: await context.newPage() };
}

/** Opens the web client and fills the join form; returns once the camera preview is playing. */
async function fillJoinForm(page: Page, url: string, who: { name: string; point: string }, room: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('textbox', { name: /^Họ và tên/ }).fill(who.name);
  await page.getByRole('textbox', { name: /^Điểm cầu/ }).fill(who.point);
  await page.getByRole('textbox', { name: /^Phòng/ }).fill(room);
  await page.waitForFunction(() => (document.querySelector('main video') as HTMLVideoElement | null)?.getVideoPlaybackQuality().totalVideoFrames);
}

/** Clicks on "Tham gia" and waits until in the room; throws with the page's message if the join failed. */
async function clickJoin(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Tham gia' }).click();
  const leave = page.getByRole('button', { name: 'Rời phòng' });
  await leave.or(page.getByRole('alert')).first().waitFor({ timeout: 30_000 });
  if (!(await leave.isVisible())) throw new Error(`join failed: ${await page.getByRole('alert').first().innerText()}`);
}

/** One join through the UI: click on "Tham gia" → first decoded frame of the host's tile. */
async function measureJoin(browser: Browser, url: string, room: string, run: number): Promise<Sample> {
  const { context, page } = await newPage(browser);
  try {
    await fillJoinForm(page, url, { name: `Khách ${run}`, point: `Điểm cầu ${run}` }, room);
    await page.evaluate((hostName) => {
      let startAt = NaN;
      window.addEventListener('click', () => (startAt = performance.now()), { capture: true, once: true });
      const hostVideo = (): HTMLVideoElement | null => {
        const names = document.querySelectorAll('[data-testid="participant-tile"] [data-testid="tile-name"]');
        const tile = [...names].find((n) => n.textContent === hostName)?.closest('[data-testid="participant-tile"]');
        return tile?.querySelector('video') ?? null;
      };
      window.__benchJoin = window.__benchFirstFrame!(hostVideo).then((seen) => ({ startAt, ...seen }));
    }, HOST.name);
    await clickJoin(page);
    const marks = await page.evaluate(() => window.__benchJoin!);
    await page.getByRole('button', { name: 'Rời phòng' }).click();
    return sinceStart(marks);
  } finally {
    await context.close();
  }
}

/** Baseline: two peer connections in one page, no server; start of negotiation → first decoded frame. */
async function measureLoopback(browser: Browser, url: string): Promise<Sample> {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${url}/api/health`); // any page of a secure origin, for getUserMedia
    const marks = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
      const sender = new RTCPeerConnection();
      const receiver = new RTCPeerConnection();
      sender.onicecandidate = (e) => void receiver.addIceCandidate(e.candidate ?? undefined);
      receiver.onicecandidate = (e) => void sender.addIceCandidate(e.candidate ?? undefined);
      const video = document.createElement('video');
      Object.assign(video, { muted: true, autoplay: true, playsInline: true, width: 640, height: 360 });
      document.body.append(video);
      receiver.ontrack = (e) => {
        if (e.track.kind !== 'video') return;
        video.srcObject = new MediaStream([e.track]);
        void video.play().catch(() => undefined);
      };
      const firstFrame = window.__benchFirstFrame!(() => (video.srcObject ? video : null));
      const startAt = performance.now();
      for (const track of stream.getTracks()) sender.addTrack(track, stream);
      await sender.setLocalDescription(await sender.createOffer());
      await receiver.setRemoteDescription(sender.localDescription!);
      await receiver.setLocalDescription(await receiver.createAnswer());
      await sender.setRemoteDescription(receiver.localDescription!);
      const seen = await firstFrame;
      sender.close();
      receiver.close();
      for (const track of stream.getTracks()) track.stop();
      return { startAt, ...seen };
    });
    return sinceStart(marks);
  } finally {
    await context.close();
  }
}

interface Stats {
  p50: number;
  p95: number;
  min: number;
  max: number;
}

interface Summary {
  runs: number;
  failures: number;
  firstFrame: Stats;
  videoAttached: Stats;
  samples: Sample[];
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Nearest-rank percentiles. */
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const pct = (p: number) => round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);
  return { p50: pct(50), p95: pct(95), min: pct(0), max: pct(100) };
}

async function repeat(label: string, times: number, once: (run: number) => Promise<Sample>): Promise<Summary> {
  const samples: Sample[] = [];
  let failures = 0;
  for (let run = 1; run <= times; run++) {
    try {
      const sample = await once(run);
      samples.push({ video: round(sample.video), frame: round(sample.frame) });
      console.log(`  ${label} #${run}: first frame ${sample.frame.toFixed(1)} ms (video attached ${sample.video.toFixed(1)} ms)`);
    } catch (err) {
      failures++;
      console.log(`  ${label} #${run}: failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  }
  return { runs: samples.length, failures, firstFrame: stats(samples.map((x) => x.frame)), videoAttached: stats(samples.map((x) => x.video)), samples };
}

function printTable(sfu: Summary, baseline: Summary): void {
  const cells = (cols: string[]) => console.log(cols[0]!.padEnd(50) + cols.slice(1).map((c) => c.padStart(9)).join(''));
  const row = (name: string, s: Stats, runs: Summary) =>
    cells([name, ...[s.p50, s.p95, s.min, s.max].map((x) => x.toFixed(1)), `${runs.runs}/${runs.runs + runs.failures}`]);
  cells(['(ms)', 'p50', 'p95', 'min', 'max', 'ok']);
  row('SFU: click "Tham gia" → first remote frame', sfu.firstFrame, sfu);
  row('  of which: click → remote <video> in the tile', sfu.videoAttached, sfu);
  row('Baseline (no SFU): negotiation → first frame', baseline.firstFrame, baseline);
  row('  of which: negotiation → remote track on <video>', baseline.videoAttached, baseline);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    console.error('renderer/dist is missing: run `npm run build:renderer` first.');
    process.exitCode = 1;
    return;
  }
  const server = await startTestServer({ RENDERER_DIR });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const room = `bench-${Date.now()}`;
    console.log(`Join time, ${JOINS} runs each (server ${server.url}, Chromium ${browser.version()})`);

    const host = await newPage(browser);
    await fillJoinForm(host.page, server.url, HOST, room);
    await clickJoin(host.page);

    const sfu = await repeat('SFU join', JOINS, (run) => measureJoin(browser, server.url, room, run));
    const baseline = await repeat('loopback', JOINS, () => measureLoopback(browser, server.url));
    await host.context.close();

    const ratio = Math.round((sfu.firstFrame.p50 / baseline.firstFrame.p50) * 100) / 100;
    const met = sfu.firstFrame.p50 < TARGET_P50_MS;
    console.log();
    printTable(sfu, baseline);
    console.log();
    console.log(`SFU p50 / baseline p50: ${ratio.toFixed(2)}×`);
    console.log(`Target "p50 under ${TARGET_P50_MS} ms on loopback": ${met ? 'met' : 'NOT met'} (p50 ${sfu.firstFrame.p50.toFixed(1)} ms)`);

    const report = { date: new Date().toISOString(), chromium: browser.version(), joins: JOINS, targetP50Ms: TARGET_P50_MS, targetMet: met, ratioP50: ratio, sfu, baseline };
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Figures written to ${path.relative(process.cwd(), OUTPUT)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main().catch((err: unknown) => {
  console.error(`join-time benchmark could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
