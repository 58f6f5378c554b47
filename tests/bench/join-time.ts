/**
 * Join-time benchmark: how long from the click on "Tham gia" until the first frame of a remote video is
 * decoded on the joining page, against the real server and mediasoup workers on loopback; compared with
 * two RTCPeerConnections in one page (no SFU). Prints figures only: no assertions; the exit code is non-zero
 * only when it cannot run at all (e.g. the host cannot join).
 *
 *   node --import tsx tests/bench/join-time.ts        (JOINS=12 by default, CHROMIUM_PATH=/usr/bin/chromium)
 *     TRACE=1   also log, for each join: the page's signaling (request sent / response received per method,
 *               notifications), its peer connections (SDP steps, ICE and connection states, tracks), the engine's
 *               state changes, when the room and the host's tile reach the DOM, the page's long tasks, and the
 *               server's mediasoup events for that guest (transports, ICE/DTLS, producers, consumers resumed, the
 *               keyframe request to the host and the first keyframe/RTP packet sent to the guest; the server runs
 *               in this process). Prints the median timeline of a join; figures go to
 *               test-results/bench-join-time-trace.json. Tracing slows joins down a little: compare traced runs
 *               with traced runs.
 *
 * Joining needs a signed-in account invited to a live meeting: the host and every guest run are operator
 * accounts of their own (a second join of the same account would replace the first presence), all invited
 * to one live meeting. Each guest run uses a fresh browser context, logs in through the login page and
 * opens the meeting's pre-join screen (not timed), waits until the camera preview plays, then clicks on
 * "Tham gia".
 *
 * Both timestamps of a run come from the page's own clock (performance.now()), so Playwright's round trips
 * are not counted. The "first frame" is whichever the page sees first: a requestVideoFrameCallback on the
 * remote <video> (its presentationTime) or getVideoPlaybackQuality().totalVideoFrames > 0 (polled every ~4 ms).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { types } from 'mediasoup';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, PASSWORD, person, TestApi, type Person } from '../support/api-client';
import { startTestServer } from '../support/test-server';
import { CHROMIUM_ARGS } from '../e2e/support/server-env';

const JOINS = Math.max(1, Number(process.env['JOINS'] ?? 12));
const TRACE = process.env['TRACE'] === '1';
const TARGET_P50_MS = 500;
const RENDERER_DIR = path.resolve('renderer/dist');
const OUTPUT = path.resolve(TRACE ? 'test-results/bench-join-time-trace.json' : 'test-results/bench-join-time.json');
const HOST_NAME = 'Nguyễn Văn Chủ Trì';
const MEETING_TITLE = 'Đo thời gian vào phòng họp';

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

/** What TRACE=1 records in a page: named events on the page clock. */
interface TraceEvent {
  t: number;
  name: string;
}

interface PageTrace {
  timeOrigin: number;
  events: TraceEvent[];
  /** Peer connections in creation order. */
  pcs: RTCPeerConnection[];
  /** Role of each peer connection by creation index (1-based): recv (got tracks), send (applied an answer), caps (neither). */
  roles: Record<number, string>;
  /** Main-thread tasks over 50 ms (Long Tasks API), page clock. */
  longTasks: { start: number; duration: number }[];
}

declare global {
  interface Window {
    /** Installed by probeScript: page times at which `find` first returns a <video>, and of its first frame. */
    __benchFirstFrame?: (find: () => HTMLVideoElement | null) => Promise<Omit<Marks, 'startAt'>>;
    __benchJoin?: Promise<Marks>;
    __benchTrace?: PageTrace;
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

/**
 * TRACE=1 only; runs in every page before its own scripts. Wraps WebSocket (signaling requests by id,
 * responses, notifications) and RTCPeerConnection (SDP steps, ICE and connection states, tracks), and
 * records long tasks.
 */
function traceScript(): void {
  const trace: PageTrace = { timeOrigin: performance.timeOrigin, events: [], pcs: [], roles: {}, longTasks: [] };
  window.__benchTrace = trace;
  const mark = (name: string, t = performance.now()): void => void trace.events.push({ t, name });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) trace.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  // ---- signaling
  const NativeWebSocket = window.WebSocket;
  const labels = new Map<number, string>();
  const transportDirection = new Map<string, string>();
  const consumerKind = new Map<string, string>();
  const labelOf = (method: string, data: Record<string, unknown>): string => {
    if (method === 'createWebRtcTransport') return `${method}(${String(data['direction'])})`;
    if (method === 'connectWebRtcTransport') return `${method}(${transportDirection.get(String(data['transportId'])) ?? '?'})`;
    if (method === 'produce') return `${method}(${String(data['kind'])})`;
    if (method === 'resumeConsumer') return `${method}(${consumerKind.get(String(data['consumerId'])) ?? '?'})`;
    return method;
  };
  class TracedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      mark('ws created');
      this.addEventListener('open', () => mark('ws open'));
      // Registered before the app's own listener: stamped before the app handles the frame.
      this.addEventListener('message', (ev: MessageEvent) => {
        const at = performance.now();
        if (typeof ev.data !== 'string') return;
        const frame = JSON.parse(ev.data) as { id?: number; ok?: boolean; data?: Record<string, unknown>; notification?: string };
        if (typeof frame.notification === 'string') {
          let name = frame.notification;
          if (name === 'newConsumer' && frame.data) {
            consumerKind.set(String(frame.data['id']), String(frame.data['kind']));
            name += `(${String(frame.data['kind'])})`;
          }
          mark(`⇐ ${name}`, at);
          return;
        }
        const label = frame.id === undefined ? undefined : labels.get(frame.id);
        if (!label) return;
        if (label.startsWith('createWebRtcTransport(') && frame.ok && frame.data) transportDirection.set(String(frame.data['id']), label.slice(22, -1));
        mark(`← ${label}${frame.ok ? '' : ' (error)'}`, at);
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string') {
        const frame = JSON.parse(data) as { id: number; method: string; data?: Record<string, unknown> };
        const label = labelOf(frame.method, frame.data ?? {});
        labels.set(frame.id, label);
        mark(`→ ${label}`);
      }
      super.send(data);
    }
  }
  window.WebSocket = TracedWebSocket;

  // ---- peer connections
  const indexOf = new WeakMap<RTCPeerConnection, number>();
  const pcName = (pc: RTCPeerConnection) => `pc#${indexOf.get(pc) ?? 0}`;
  const NativePeerConnection = window.RTCPeerConnection;
  class TracedPeerConnection extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      trace.pcs.push(this);
      const index = trace.pcs.length;
      indexOf.set(this, index);
      trace.roles[index] = 'caps';
      mark(`pc#${index}: created`);
      this.addEventListener('iceconnectionstatechange', () => mark(`pc#${index}: ICE ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => mark(`pc#${index}: connection ${this.connectionState}`));
      this.addEventListener('track', (ev: RTCTrackEvent) => {
        trace.roles[index] = 'recv';
        mark(`pc#${index}: track ${ev.track.kind}`);
      });
    }
  }
  const proto = NativePeerConnection.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
    const original = proto[method]!;
    proto[method] = function (this: RTCPeerConnection, ...args: unknown[]) {
      const index = indexOf.get(this) ?? 0;
      const type = method === 'setRemoteDescription' ? ` ${(args[0] as RTCSessionDescriptionInit | undefined)?.type ?? ''}` : '';
      if (method === 'setRemoteDescription' && type === ' answer' && trace.roles[index] === 'caps') trace.roles[index] = 'send';
      const label = `${pcName(this)}: ${method}${type}`;
      mark(`${label} …`);
      return original.apply(this, args).then((result) => {
        mark(`${label} ✓`);
        return result;
      });
    };
  }
  window.RTCPeerConnection = TracedPeerConnection;
}

/** TRACE=1: what mediasoup does for each peer (the server runs in this process), stamped on the wall clock (ms). */
interface ServerEvent {
  at: number;
  peerId: string;
  name: string;
}

function traceServer(server: RunningServer): ServerEvent[] {
  const events: ServerEvent[] = [];
  const stamp = (peerId: unknown, name: string) => events.push({ at: performance.timeOrigin + performance.now(), peerId: String(peerId), name: `server: ${name}` });
  for (const { worker } of server.pool.workers) {
    worker.observer.on('newrouter', (router) => {
      router.observer.on('newtransport', (transport) => {
        const { direction, peerId } = transport.appData as { direction: string; peerId: string };
        stamp(peerId, `${direction} transport created`);
        if (transport.type === 'webrtc') {
          const webrtc = transport as types.WebRtcTransport;
          webrtc.on('icestatechange', (state) => stamp(peerId, `${direction} transport ICE ${state}`));
          webrtc.on('dtlsstatechange', (state) => stamp(peerId, `${direction} transport DTLS ${state}`));
        }
        transport.observer.on('newproducer', (producer) => {
          stamp(peerId, `${producer.kind} producer created`);
          if (producer.kind !== 'video') return;
          producer.on('trace', (e) => stamp(peerId, `${producer.kind} producer ${e.type} ${e.direction}`));
          void producer.enableTraceEvent(['keyframe', 'pli', 'fir']);
        });
        transport.observer.on('newconsumer', (consumer) => {
          stamp(peerId, `${consumer.kind} consumer created`);
          consumer.observer.on('resume', () => stamp(peerId, `${consumer.kind} consumer resumed`));
          if (consumer.kind !== 'video') return;
          consumer.on('trace', (e) => {
            stamp(peerId, `${consumer.kind} consumer ${e.type} ${e.direction}`);
            if (e.type === 'rtp') void consumer.enableTraceEvent(['keyframe', 'pli', 'fir']); // the first packet is enough
          });
          void consumer.enableTraceEvent(['rtp', 'keyframe', 'pli', 'fir']);
        });
      });
    });
  }
  return events;
}

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'] });
  // tsx compiles with keepNames: the functions sent to the page call esbuild's __name helper.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  await context.addInitScript(probeScript);
  if (TRACE) await context.addInitScript(traceScript);
  return { context, page: await context.newPage() };
}

/** Signs in through the login page and lands on "Cuộc họp của tôi". */
async function logIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Cuộc họp của tôi' }).waitFor({ timeout: 15_000 });
}

/** Opens the meeting's pre-join screen; returns once the camera preview is playing and "Tham gia" can be clicked. */
async function openPreJoin(page: Page, url: string, meetingId: string): Promise<void> {
  await page.goto(`${url}/#/meetings/${encodeURIComponent(meetingId)}/join`);
  const preview = page.getByLabel('Xem trước camera');
  await preview.waitFor({ timeout: 15_000 });
  await preview.evaluate(
    (video: HTMLVideoElement) =>
      new Promise<void>((resolve) => {
        const check = () => (video.getVideoPlaybackQuality().totalVideoFrames > 0 ? resolve() : setTimeout(check, 10));
        check();
      }),
  );
  const join = page.getByRole('button', { name: 'Tham gia' });
  await page.waitForFunction((button) => button instanceof HTMLButtonElement && !button.disabled, await join.elementHandle());
}

/** Clicks on "Tham gia" and waits until in the room; throws with the page's message if the join failed. */
async function clickJoin(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Tham gia' }).click();
  const leave = page.getByRole('button', { name: 'Rời phòng' });
  await leave.or(page.getByRole('alert')).first().waitFor({ timeout: 30_000 });
  if (!(await leave.isVisible())) throw new Error(`join failed: ${await page.getByRole('alert').first().innerText()}`);
}

/** One run's trace: event times from the click (ms), the server's events moved onto the page's clock; the page's long tasks. */
interface RunTrace {
  events: TraceEvent[];
  /** Engine state changes between the click and the first frame (the whole app re-renders on each). */
  stateChanges: number;
  longTasks: { start: number; duration: number }[];
}

/** The conference engine the renderer exposes on window.__phonghop (the part this benchmark reads). */
interface PageEngine {
  getState(): { status: string; selfId: string | null; error: unknown };
  subscribe(listener: () => void): () => void;
}

/**
 * One join through the UI: click on "Tham gia" → first decoded frame of the host's tile. Between the two,
 * Playwright does not poll the page (no locator waits): the page itself reports the first frame, or the
 * engine's failure.
 */
async function measureJoin(browser: Browser, url: string, meetingId: string, guest: Person, host: Page, serverEvents: ServerEvent[]): Promise<Sample & { trace?: RunTrace }> {
  const { context, page } = await newPage(browser);
  try {
    await logIn(page, url, guest.username);
    await openPreJoin(page, url, meetingId);
    await page.evaluate((hostName) => {
      let startAt = NaN;
      window.addEventListener('click', () => (startAt = performance.now()), { capture: true, once: true });
      const hostVideo = (): HTMLVideoElement | null => {
        const names = document.querySelectorAll('[data-testid="participant-tile"] [data-testid="tile-name"]');
        const tile = [...names].find((n) => n.textContent === hostName)?.closest('[data-testid="participant-tile"]');
        return tile?.querySelector('video') ?? null;
      };
      const engine = (window as unknown as { __phonghop?: { engine: PageEngine } }).__phonghop?.engine;
      const failed = new Promise<never>((_resolve, reject) => {
        engine?.subscribe(() => {
          const { status, error } = engine.getState();
          if (status === 'failed') reject(new Error(`join failed: ${(error as { message?: string } | null)?.message ?? JSON.stringify(error)}`));
        });
      });
      window.__benchJoin = Promise.race([window.__benchFirstFrame!(hostVideo).then((seen) => ({ startAt, ...seen })), failed]);

      const trace = window.__benchTrace;
      if (!trace || !engine) return;
      let { status, selfId } = engine.getState();
      engine.subscribe(() => {
        const now = engine.getState();
        trace.events.push({ t: performance.now(), name: 'engine state change' });
        if (now.selfId !== selfId && now.selfId) trace.events.push({ t: performance.now(), name: 'engine: device loaded, peers listed' });
        if (now.status !== status) trace.events.push({ t: performance.now(), name: `engine status: ${now.status}` });
        ({ status, selfId } = now);
      });
      const seen = new Set<string>();
      const dom = setInterval(() => {
        const at = performance.now();
        const first = (name: string, present: boolean) => {
          if (!present || seen.has(name)) return;
          seen.add(name);
          trace.events.push({ t: at, name });
        };
        first('room grid in the DOM', document.querySelector('[data-testid="video-grid"]') !== null);
        first("host's tile in the DOM", [...document.querySelectorAll('[data-testid="tile-name"]')].some((n) => n.textContent === hostName));
        if (seen.size === 2) clearInterval(dom);
      }, 1);
    }, HOST_NAME);

    await page.getByRole('button', { name: 'Tham gia' }).click();
    const marks = await page.evaluate(() => window.__benchJoin!).catch(async (err: unknown) => {
      const alert = page.getByRole('alert').first();
      throw (await alert.isVisible()) ? new Error(`join failed: ${await alert.innerText()}`) : err;
    });
    const sample: Sample & { trace?: RunTrace } = sinceStart(marks);
    if (TRACE) sample.trace = await collectTrace(page, host, marks, serverEvents);
    await page.getByRole('button', { name: 'Rời phòng' }).click();
    return sample;
  } finally {
    await context.close();
  }
}

async function collectTrace(page: Page, host: Page, marks: Marks, serverEvents: ServerEvent[]): Promise<RunTrace> {
  const read = (p: Page) =>
    p.evaluate(() => {
      const trace = window.__benchTrace!;
      const events = trace.events.map((e) => ({ t: e.t, name: e.name.replace(/pc#(\d+)/, (_all, i: string) => `pc(${trace.roles[Number(i)] ?? '?'})`) }));
      const engine = (window as unknown as { __phonghop?: { engine: PageEngine } }).__phonghop?.engine;
      return { timeOrigin: trace.timeOrigin, events, longTasks: trace.longTasks, selfId: engine?.getState().selfId ?? null };
    });
  const guest = await read(page);
  const hostTrace = await read(host);
  const events: TraceEvent[] = guest.events.map((e) => ({ t: e.t - marks.startAt, name: e.name }));
  // The server's events for this guest, and for the host's video producer (keyframe requests and keyframes).
  const toGuest = (at: number) => at - guest.timeOrigin - marks.startAt;
  for (const e of serverEvents) {
    if (e.peerId === guest.selfId) events.push({ t: toGuest(e.at), name: e.name });
    else if (e.peerId === hostTrace.selfId && e.name.includes('video producer')) events.push({ t: toGuest(e.at), name: e.name.replace('server: ', "server: host's ") });
  }
  events.push({ t: marks.videoAt - marks.startAt, name: "host's <video> in its tile" }, { t: marks.frameAt - marks.startAt, name: "host's first frame (probe)" });
  // First occurrence of each event after the click.
  const first = new Map<string, number>();
  for (const e of events) if (e.t >= 0 && !first.has(e.name)) first.set(e.name, round(e.t));
  const frameAt = marks.frameAt - marks.startAt;
  return {
    stateChanges: events.filter((e) => e.name.startsWith('engine state change') && e.t >= 0 && e.t <= frameAt).length,
    events: [...first].map(([name, t]) => ({ name, t })).sort((a, b) => a.t - b.t),
    longTasks: guest.longTasks.map((l) => ({ start: round(l.start - marks.startAt), duration: round(l.duration) })).filter((l) => l.start + l.duration >= 0),
  };
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
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

/** Nearest-rank percentiles. */
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const pct = (p: number) => round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);
  return { p50: pct(50), p95: pct(95), min: pct(0), max: pct(100) };
}

async function repeat(label: string, times: number, once: (run: number) => Promise<Sample & { trace?: RunTrace }>, traces?: RunTrace[]): Promise<Summary> {
  const samples: Sample[] = [];
  let failures = 0;
  for (let run = 1; run <= times; run++) {
    try {
      const sample = await once(run);
      samples.push({ video: round(sample.video), frame: round(sample.frame) });
      if (sample.trace) traces?.push(sample.trace);
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

interface TimelineRow {
  name: string;
  /** Runs in which the event was seen. */
  n: number;
  p50: number;
  min: number;
  max: number;
}

/** TRACE=1: each event's median time from the click over the runs, in order; and request round trips. */
function printTimeline(traces: RunTrace[]): { timeline: TimelineRow[]; roundTrips: TimelineRow[] } {
  const byName = new Map<string, number[]>();
  const trips = new Map<string, number[]>();
  for (const { events: run } of traces) {
    const at = new Map(run.map((e) => [e.name, e.t]));
    for (const e of run) byName.set(e.name, [...(byName.get(e.name) ?? []), e.t]);
    for (const [name, t] of at) {
      if (!name.startsWith('→ ')) continue;
      const answered = at.get(`← ${name.slice(2)}`);
      if (answered !== undefined) trips.set(name.slice(2), [...(trips.get(name.slice(2)) ?? []), answered - t]);
    }
  }
  const rows = (m: Map<string, number[]>) =>
    [...m].map(([name, values]) => {
      const s = stats(values);
      return { name, n: values.length, p50: s.p50, min: s.min, max: s.max };
    });
  const timeline = rows(byName).sort((a, b) => a.p50 - b.p50);
  const roundTrips = rows(trips).sort((a, b) => b.p50 - a.p50);
  const line = (cols: string[]) => console.log(cols[0]!.padEnd(62) + cols.slice(1).map((c) => c.padStart(9)).join(''));
  console.log(`\nTimeline of a join, ms from the click (median over ${traces.length} traced runs; Δ = from the previous row)`);
  line(['event', 'p50', 'Δ', 'min', 'max', 'runs']);
  let previous = 0;
  for (const r of timeline) {
    line([r.name, r.p50.toFixed(1), (r.p50 - previous).toFixed(1), r.min.toFixed(1), r.max.toFixed(1), String(r.n)]);
    previous = r.p50;
  }
  console.log('\nSignaling round trips seen by the page (request sent → response received), ms');
  line(['request', 'p50', '', 'min', 'max', 'runs']);
  for (const r of roundTrips) line([r.name, r.p50.toFixed(1), '', r.min.toFixed(1), r.max.toFixed(1), String(r.n)]);

  // Main-thread tasks over 50 ms between the click and the first frame: while one runs, nothing else on the
  // page does (responses and notifications are stamped late, the <video> appears late).
  console.log("\nJoining page's main thread: long tasks (> 50 ms) between the click and the host's first frame, per run");
  const busy: number[] = [];
  for (const [i, run] of traces.entries()) {
    const end = run.events.find((e) => e.name === "host's first frame (probe)")?.t ?? Infinity;
    const tasks = run.longTasks.filter((l) => l.start < end);
    const total = tasks.reduce((sum, l) => sum + l.duration, 0);
    busy.push(total);
    console.log(`  run ${i + 1}: ${round(total)} ms in ${tasks.length} tasks: ${tasks.map((l) => `${l.duration.toFixed(0)} ms at ${l.start.toFixed(0)}`).join(', ') || '—'}`);
  }
  console.log(`  median total: ${stats(busy).p50} ms; engine state changes in that time (the whole app re-renders on each): median ${stats(traces.map((r) => r.stateChanges)).p50}`);
  return { timeline, roundTrips };
}

/** Newest modification time (ms) of the files under a folder. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    console.error('renderer/dist is missing: run `npm run build:renderer` first.');
    process.exitCode = 1;
    return;
  }
  if (newestMtime(path.resolve('renderer/src')) > fs.statSync(path.join(RENDERER_DIR, 'index.html')).mtimeMs) {
    console.warn('WARNING: renderer/src is newer than renderer/dist: this measures an old client (run `npm run build:renderer`).');
  }
  const loadAverageBefore = os.loadavg().map(round);
  const server = await startTestServer({ RENDERER_DIR, LOGIN_RATE_PER_MINUTE: '10000' });
  const serverEvents = TRACE ? traceServer(server) : [];
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    console.log(`Join time, ${JOINS} runs each${TRACE ? ', traced' : ''} (server ${server.url}, Chromium ${browser.version()}, ${os.cpus().length} CPUs, load average before the runs ${loadavg()})`);

    // One operator account per participant, all invited to one live meeting.
    const admin = await TestApi.admin(server.url);
    const hostAccount = await person(admin, 'operator', HOST_NAME);
    const guests: Person[] = [];
    for (let run = 1; run <= JOINS; run++) guests.push(await person(admin, 'operator', `Khách ${run}`));
    const meeting = await liveMeeting(admin, [hostAccount, ...guests], MEETING_TITLE);

    const host = await newPage(browser);
    await logIn(host.page, server.url, hostAccount.username);
    await openPreJoin(host.page, server.url, meeting.id);
    await clickJoin(host.page);

    const traces: RunTrace[] = [];
    const sfu = await repeat('SFU join', JOINS, (run) => measureJoin(browser, server.url, meeting.id, guests[run - 1]!, host.page, serverEvents), traces);
    const baseline = await repeat('loopback', JOINS, () => measureLoopback(browser, server.url));
    await host.context.close();

    const ratio = Math.round((sfu.firstFrame.p50 / baseline.firstFrame.p50) * 100) / 100;
    const met = sfu.firstFrame.p50 < TARGET_P50_MS;
    console.log();
    printTable(sfu, baseline);
    console.log();
    console.log(`SFU p50 / baseline p50: ${ratio.toFixed(2)}×`);
    console.log(`Target "p50 under ${TARGET_P50_MS} ms on loopback": ${met ? 'met' : 'NOT met'} (p50 ${sfu.firstFrame.p50.toFixed(1)} ms)${TRACE ? ' — traced run, slower than untraced' : ''}`);
    const traced = TRACE && traces.length > 0 ? printTimeline(traces) : undefined;

    const report = { date: new Date().toISOString(), chromium: browser.version(), cpus: os.cpus().length, loadAverageBefore, joins: JOINS, traced: TRACE, targetP50Ms: TARGET_P50_MS, targetMet: met, ratioP50: ratio, sfu, baseline, ...(traced ? { trace: { ...traced, runs: traces } } : {}) };
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nFigures written to ${path.relative(process.cwd(), OUTPUT)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main().catch((err: unknown) => {
  console.error(`join-time benchmark could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
