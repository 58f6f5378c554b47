/**
 * Weak-link benchmark (issue 12): three points in a live meeting, the chair and one point on the
 * host, one point ("the shaped point") in its own network namespace behind a shaped veth
 * (tests/support/weak-link.ts). For a clean link and the issue's three profiles, in one run, it
 * prints for the shaped point: time from opening the app to being in the room (cold cache: a new
 * browser context; warm: the same context again), frames per second and height of each video it
 * receives, concealed audio and jitter buffer delay; for the chair: frames per second and height of
 * the shaped point's picture. The issue's targets are printed beside the figures. Figures only, no
 * assertions; a non-zero exit means it could not run (it needs root for the namespace).
 *
 *   node --import tsx tests/bench/weak-links.ts     (WINDOW_S=15 seconds of measurement per profile,
 *                                                    SETTLE_S=10 seconds after joining before it,
 *                                                    WL_PROFILES=clean,bad: only these profiles, by
 *                                                    key: clean, adsl, mobile, bad; default all four)
 *
 * All figures come from the pages' getStats() (two snapshots over the same window on both pages).
 * The machine has 2 cores shared with whatever else runs: three Chromiums encoding 720p simulcast
 * load it, so fps figures are noisy; compare runs made under the same load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { openAppAndJoin as openAndJoin, type JoinSteps } from '../support/app-join';
import { CHROMIUM_ARGS } from '../e2e/support/server-env';
import { figures, installPeerConnectionProbe, snapshot, type AudioFigures, type VideoFigures } from '../support/media-stats';
import { PROFILES, startServerOnLink, WeakLink, type LinkProfile } from '../support/weak-link';
import { describePlans, samplePlans, type PlanSample } from './support/plan-sampler';

const WINDOW_S = Number(process.env['WINDOW_S'] ?? 15);
const SETTLE_S = Number(process.env['SETTLE_S'] ?? 10);
const RENDERER_DIR = path.resolve(process.env['RENDERER_DIR'] ?? 'renderer/dist');
const OUTPUT = path.resolve('test-results/bench-weak-links.json');
const POINT_NAME = 'Điểm cầu xã Vùng Cao';
const OTHER_NAME = 'Điểm cầu xã Đồng Bằng';

/** The profiles to measure, in the issue's order (WL_PROFILES picks some by key). */
function chosenProfiles(): LinkProfile[] {
  const keys = (process.env['WL_PROFILES'] ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) return [PROFILES.clean, PROFILES.adsl, PROFILES.mobile, PROFILES.bad];
  const unknown = keys.filter((k) => !(k in PROFILES));
  if (unknown.length > 0) throw new Error(`unknown WL_PROFILES ${unknown.join(', ')}: use ${Object.keys(PROFILES).join(', ')}`);
  return (Object.keys(PROFILES) as (keyof typeof PROFILES)[]).filter((k) => keys.includes(k)).map((k) => PROFILES[k]);
}

/** Issue 12's targets, by profile name. */
const TARGETS: Record<string, string> = {
  'clean': '—',
  '2M/512k/1%': '—',
  '768k/384k/3%': 'speaker ≥ 15 fps; chair sees point ≥ 15 fps; concealed ≤ 1 %',
  '384k/256k/5%': 'speaker ≥ 12 fps (or audio-only by the app); chair sees point ≥ 10 fps; concealed ≤ 2 %; warm start < 8 s, cold < 20 s',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ProfileResult {
  profile: string;
  coldMs: number | null;
  /** The cold start's steps: first screen (login), "my meetings", pre-join screen. */
  coldSteps: JoinSteps;
  warmMs: number | null;
  received: VideoFigures[];
  audio: AudioFigures | null;
  chairSeesPoint: VideoFigures | null;
  protocols: string[];
  srtpCiphers: string[];
  pointSends: { rid: string; height: number; fps: number; limitation: string }[];
  dropped: { in: number; out: number };
  /** Over the window: packets the shaping queues dropped at their tail (queue full), and the downlink queue's backlog sampled each second (ms at the link's rate). */
  queue: { downDropped: number; upDropped: number; downBacklogMs: number[]; upBacklogMs: number[] } | null;
  /** The point's audio each second of the window: concealed ms (all received streams), NACKs sent. */
  audioPerSecond: { concealedMs: number; nacks: number }[];
  /** Server side, the point's audio consumers over the window: NACKs it sent, packets the worker retransmitted. */
  serverAudio: { nacks: number; retransmitted: number } | null;
  /** The server's plan for the point and the layers forwarded to it, once a second over the window. */
  plans: PlanSample[];
  error?: string;
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'] });
  await installPeerConnectionProbe(context);
  return context;
}

async function leave(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: 'Rời phòng' })
    .click({ timeout: 5_000 })
    .catch(() => undefined);
  await page.close();
}

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));

function printResult(r: ProfileResult): void {
  console.log(`\n— ${r.profile}  (targets: ${TARGETS[r.profile] ?? '—'})`);
  if (r.error) console.log(`  could not measure: ${r.error}`);
  console.log(`  open app → in the room: cold ${fmt(r.coldMs && r.coldMs / 1000, 1)} s, warm ${fmt(r.warmMs && r.warmMs / 1000, 1)} s`);
  const s = r.coldSteps;
  const sec = (ms: number | undefined) => fmt(ms === undefined ? null : ms / 1000, 1);
  console.log(`  cold start's steps: login page ${sec(s.firstScreen)} s, my meetings ${sec(s.meetings)} s, pre-join ${sec(s.prejoin)} s, room ${sec(r.coldMs ?? undefined)} s`);
  for (const v of r.received) console.log(`  point receives ${v.from} (${v.source}): ${fmt(v.fps, 1)} fps, ${v.height || '—'}p, freezes ${v.freezes}`);
  if (r.received.length === 0) console.log('  point receives no video');
  if (r.audio) {
    console.log(
      `  point's audio: concealed ${fmt(r.audio.concealedPct, 2)} %, jitter buffer ${fmt(r.audio.jitterBufferMs)} ms (target ${fmt(r.audio.jitterTargetMs)} ms), ${r.audio.packetsReceived} packets, ${r.audio.packetsLost} lost for good, ${r.audio.packetsDiscarded} too late, ${r.audio.fecPackets} FEC, ${r.audio.nacks} NACKs sent`,
    );
  }
  const c = r.chairSeesPoint;
  console.log(`  chair receives the point: ${c ? `${fmt(c.fps, 1)} fps, ${c.height || '—'}p, freezes ${c.freezes}` : 'no video'}`);
  console.log(`  point sends: ${r.pointSends.map((s) => `${s.rid || 'single'} ${s.height || '—'}p ${fmt(s.fps, 1)} fps${s.limitation && s.limitation !== 'none' ? ` (${s.limitation})` : ''}`).join(', ') || '—'}`);
  for (const line of describePlans(r.plans)) console.log(line);
  if (r.queue) {
    const b = [...r.queue.downBacklogMs].sort((x, y) => x - y);
    console.log(
      `  shaping queues: tail drops ${r.queue.downDropped} down, ${r.queue.upDropped} up; downlink backlog ms per second ${r.queue.downBacklogMs.join(' ') || '—'} (median ${b[Math.floor(b.length / 2)] ?? '—'}, max ${b[b.length - 1] ?? '—'}); uplink ${r.queue.upBacklogMs.join(' ') || '—'}`,
    );
    console.log(`  point's audio per second: concealed ms ${r.audioPerSecond.map((x) => x.concealedMs).join(' ')}; NACKs ${r.audioPerSecond.map((x) => x.nacks).join(' ')}`);
  }
  if (r.serverAudio) console.log(`  server → point audio: ${r.serverAudio.nacks} NACKs received from the point, ${r.serverAudio.retransmitted} packets retransmitted`);
  console.log(`  media over: ${[...new Set(r.protocols)].join(', ') || '—'}; SRTP: ${[...new Set(r.srtpCiphers)].join(', ') || '—'}; dropped by the link: ${r.dropped.in} in, ${r.dropped.out} out`);
}

type Server = Awaited<ReturnType<typeof startServerOnLink>>;

/** NACKs the point sent for its audio and what the worker retransmitted, summed over its audio consumers. */
async function serverAudioCounters(server: Server, meetingId: string, pointName: string): Promise<{ nacks: number; retransmitted: number }> {
  const room = server.rooms.find(meetingId);
  const peer = room && [...room.peers.values()].find((p) => p.identity.displayName === pointName);
  let nacks = 0;
  let retransmitted = 0;
  for (const c of peer?.consumers.values() ?? []) {
    if (c.kind !== 'audio' || c.closed) continue;
    for (const s of (await c.getStats().catch(() => [])) as { type: string; nackCount?: number; packetsRetransmitted?: number }[]) {
      if (s.type !== 'outbound-rtp') continue;
      nacks += s.nackCount ?? 0;
      retransmitted += s.packetsRetransmitted ?? 0;
    }
  }
  return { nacks, retransmitted };
}

async function measureProfile(link: WeakLink, pointBrowser: Browser, chair: Page, server: Server, meetingId: string, username: string, profile: LinkProfile): Promise<ProfileResult> {
  const url = server.url;
  link.shape(profile);
  const before = link.dropped();
  const result: ProfileResult = { profile: profile.name, coldMs: null, coldSteps: {}, warmMs: null, received: [], audio: null, chairSeesPoint: null, protocols: [], srtpCiphers: [], pointSends: [], dropped: { in: 0, out: 0 }, queue: null, audioPerSecond: [], serverAudio: null, plans: [] };
  const context = await newContext(pointBrowser);
  try {
    const page = await context.newPage();
    result.coldMs = await openAndJoin(page, url, meetingId, username, undefined, undefined, result.coldSteps);
    await sleep(SETTLE_S * 1000);
    const [p0, c0, s0] = [await snapshot(page), await snapshot(chair), await serverAudioCounters(server, meetingId, POINT_NAME)];
    const sampler = samplePlans(server, meetingId, POINT_NAME);
    const q0 = link.queues();
    const backlog: number[] = [];
    const upBacklog: number[] = [];
    let last = p0;
    for (let i = 0; i < WINDOW_S; i++) {
      await sleep(1000);
      const q = link.queues();
      if (profile.downKbit > 0) backlog.push(Math.round((q.down.backlogBytes * 8) / profile.downKbit));
      if (profile.upKbit > 0) upBacklog.push(Math.round((q.up.backlogBytes * 8) / profile.upKbit));
      const now = await snapshot(page);
      const a = figures(last, now).audio;
      result.audioPerSecond.push({ concealedMs: Math.round((a.concealedPct / 100) * ((now.at - last.at) / 1000) * 1000 * a.streams), nacks: a.nacks });
      last = now;
    }
    const q1 = link.queues();
    result.queue = { downDropped: q1.down.dropped - q0.down.dropped, upDropped: q1.up.dropped - q0.up.dropped, downBacklogMs: backlog, upBacklogMs: upBacklog };
    result.plans = await sampler.stop();
    const [p1, c1, s1] = [await snapshot(page), await snapshot(chair), await serverAudioCounters(server, meetingId, POINT_NAME)];
    result.serverAudio = { nacks: s1.nacks - s0.nacks, retransmitted: s1.retransmitted - s0.retransmitted };
    const point = figures(p0, p1);
    result.received = point.video;
    result.audio = point.audio;
    // The point's camera at the chair; if the chair still holds a stream of the point's previous
    // presence (its warm rejoin of the profile before), the one that decoded most is the live one.
    const seen = figures(c0, c1).video.filter((v) => v.from === POINT_NAME && v.source === 'webcam');
    result.chairSeesPoint = seen.sort((x, y) => y.fps - x.fps)[0] ?? null;
    result.protocols = p1.protocols;
    result.srtpCiphers = p1.srtpCiphers;
    const sent = new Map(p0.outbound.map((o) => [`${o.kind}/${o.rid}`, o]));
    result.pointSends = p1.outbound
      .filter((o) => o.kind === 'video')
      .map((o) => {
        const p = sent.get(`${o.kind}/${o.rid}`);
        const seconds = p ? (o.timestamp - p.timestamp) / 1000 : 0;
        return { rid: o.rid, height: o.frameHeight, fps: p && seconds > 0 ? (o.framesEncoded - p.framesEncoded) / seconds : NaN, limitation: o.qualityLimitationReason };
      });
    await leave(page);
    // Warm: the same context (its HTTP cache and stored session) opens the app again.
    const again = await context.newPage();
    result.warmMs = await openAndJoin(again, url, meetingId, username);
    await leave(again);
  } catch (err) {
    result.error = err instanceof Error ? err.message.split('\n')[0] : String(err);
  } finally {
    await context.close().catch(() => undefined);
    const after = link.dropped();
    result.dropped = { in: after.in - before.in, out: after.out - before.out };
  }
  return result;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error('renderer/dist is missing: run `npm run build:renderer` first');
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces, tc, iptables)');
  const profiles = chosenProfiles();
  const link = WeakLink.create();
  let server: Server | undefined;
  let hostBrowser: Browser | undefined;
  try {
    server = await startServerOnLink(link, { RENDERER_DIR, LOGIN_RATE_PER_MINUTE: '10000' });
    const url = server.url;
    hostBrowser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${url}`] });
    const pointBrowser = await link.launchBrowser([url]);
    console.log(
      `Weak links (server ${url} on the host end of a veth, Chromium ${hostBrowser.version()}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; window ${WINDOW_S} s after ${SETTLE_S} s; machine shared with other work: figures are noisy)`,
    );

    const admin = await TestApi.admin(url);
    const point = await person(admin, 'operator', POINT_NAME);
    const other = await person(admin, 'operator', OTHER_NAME);
    const meeting = await liveMeeting(admin, [point, other], 'Giao ban trực tuyến qua đường truyền yếu');

    const chairContext = await newContext(hostBrowser);
    const chair = await chairContext.newPage();
    await openAndJoin(chair, url, meeting.id, meeting.chair.username);
    const otherContext = await newContext(hostBrowser);
    await openAndJoin(await otherContext.newPage(), url, meeting.id, other.username);

    const results: ProfileResult[] = [];
    for (const profile of profiles) {
      const r = await measureProfile(link, pointBrowser, chair, server, meeting.id, point.username, profile);
      printResult(r);
      results.push(r);
    }
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, `${JSON.stringify({ date: new Date().toISOString(), chromium: hostBrowser.version(), windowS: WINDOW_S, settleS: SETTLE_S, targets: TARGETS, results }, null, 2)}\n`);
    console.log(`\nFigures written to ${path.relative(process.cwd(), OUTPUT)}`);
  } finally {
    await hostBrowser?.close().catch(() => undefined);
    await link.dispose();
    await server?.close();
  }
}

await main().catch((err: unknown) => {
  console.error(`weak-links benchmark could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
