/**
 * A bridge point on a weak link (issue 12): one real Chromium in its own network namespace behind a
 * shaped veth (tests/support/weak-link.ts), the chair's Chromium and the server on the host. Every
 * check reads the pages' getStats(): frames decoded growing, audio packets and energy arriving, the
 * height of the picture, the candidate the media flows over. Needs root (namespaces, tc, iptables)
 * and iproute2's `ip` and `tc`: CI runs as root on Debian; elsewhere the scenarios are skipped with
 * that reason. Both scenarios run by default (6.4 min together at load 40–50 on this shared 2-core
 * machine before the recovery fix; the bad link's alone now 1.5–2.9 min and the whole file 4.6 min at load 20–30).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { liveMeeting, PASSWORD, person, TestApi, type Person } from '../support/api-client';
import { openAppAndJoin } from '../support/app-join';
import { installPeerConnectionProbe, snapshot, type PageSnapshot } from '../support/media-stats';
import { PROFILES, startServerOnLink, WeakLink } from '../support/weak-link';
import { CHROMIUM_ARGS } from './support/server-env';
import { expect, test } from './support/test';

const POINT_NAME = 'Điểm cầu xã Vùng Cao';
const isRoot = process.getuid?.() === 0;
const hasCommand = (name: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

test.describe.configure({ mode: 'serial' });
test.skip(!isRoot, 'the weak-link harness needs root (network namespaces, tc, iptables)');
test.skip(isRoot && !(hasCommand('ip') && hasCommand('tc')), "the weak-link harness needs iproute2's ip and tc (Debian package iproute2)");

let link: WeakLink | undefined;
let server: Awaited<ReturnType<typeof startServerOnLink>> | undefined;
let hostBrowser: Browser | undefined;
let pointBrowser: Browser | undefined;
let meeting: { id: string; chair: Person };
let point: Person;
let udpPoint: Person;
let chair: Page;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  link = WeakLink.create();
  server = await startServerOnLink(link);
  hostBrowser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${server.url}`] });
  pointBrowser = await link.launchBrowser([server.url]);
  const admin = await TestApi.admin(server.url);
  point = await person(admin, 'operator', POINT_NAME);
  udpPoint = await person(admin, 'operator', 'Điểm cầu xã Chỉ Có TCP');
  meeting = await liveMeeting(admin, [point, udpPoint], 'Giao ban qua đường truyền yếu');
  chair = await (await newContext(hostBrowser)).newPage();
  await openAppAndJoin(chair, server.url, meeting.id, meeting.chair.username);
});

test.afterAll(async () => {
  await hostBrowser?.close().catch(() => undefined);
  await link?.dispose();
  await server?.close();
});

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'] });
  await installPeerConnectionProbe(context);
  return context;
}

/** Frames of `from`'s camera decoded on `page` over `seconds`, and the picture's height at the end. */
async function videoWindow(page: Page, from: string, seconds = 5): Promise<{ frames: number; height: number }> {
  const a = await snapshot(page);
  await page.waitForTimeout(seconds * 1000);
  const b = await snapshot(page);
  return videoBetween(a, b, from);
}

function videoBetween(a: PageSnapshot, b: PageSnapshot, from: string): { frames: number; height: number } {
  const end = b.inbound.find((s) => s.kind === 'video' && s.source === 'webcam' && s.from === from);
  const start = end && a.inbound.find((s) => s.trackId === end.trackId);
  return { frames: end && start ? end.framesDecoded - start.framesDecoded : 0, height: end?.frameHeight ?? 0 };
}

/**
 * Audio packets and energy (sound, not silence) from `from` received on `page` over `seconds`.
 * `track`: 'same' when one track was measured over the whole window; 'changed' when the sender's
 * audio track at the end is not the one at the start (the page rejoined or the consumer was
 * replaced during the window: nothing can be said of it), 'none' when there is no such track.
 */
async function audioWindow(page: Page, from: string, seconds = 3): Promise<{ packets: number; energy: number; track: 'same' | 'changed' | 'none' }> {
  const a = await snapshot(page);
  await page.waitForTimeout(seconds * 1000);
  const b = await snapshot(page);
  const end = b.inbound.find((s) => s.kind === 'audio' && s.from === from);
  const start = end && a.inbound.find((s) => s.trackId === end.trackId);
  if (!end) return { packets: 0, energy: 0, track: 'none' };
  if (!start) return { packets: 0, energy: 0, track: 'changed' };
  return { packets: end.packetsReceived - start.packetsReceived, energy: end.totalAudioEnergy - start.totalAudioEnergy, track: 'same' };
}

/** What the point's engine logged about rejoining (console warnings "…; rejoining"), for failure messages. */
function rejoinsOf(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('rejoining')) seen.push(`${new Date().toISOString()} ${m.text()}`);
  });
  return seen;
}

const chairName = 'Chủ tọa Nguyễn Văn Chủ';
const load = () => (os.loadavg()[0] ?? 0).toFixed(1);

test('a point behind 384/256 kbit with 5 % loss hears the chair, is seen by the chair, and goes back to full quality when the link recovers', async () => {
  // Measured here: 1.5–2.9 min at load 20–30 (join 13–23 s with a warm cache, back to 360p 28–82 s
  // after the link recovered, three runs); 4.3 min at load 37–50 before the recovery fix. Before it, the
  // chair's picture at the point could stay at 180p for minutes after the lift: the server's plan
  // and GoogCC's estimate held each other down (see sfu-server/src/media/bandwidth-reach.ts).
  test.setTimeout(420_000);
  const context = await newContext(pointBrowser!);
  // The app is opened once on the clean link (signed in, scripts cached), as a point's desktop app
  // has its files on disk: the join below crosses the bad link with signaling and media only.
  // The cold start over 384 kbit/s (about 450 KiB of compressed client) is a figure of
  // tests/bench/weak-links.ts, not a pass/fail here.
  const warm = await context.newPage();
  await warm.goto(server!.url);
  await warm.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(point.username);
  await warm.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await warm.getByRole('button', { name: 'Đăng nhập' }).click();
  await warm.getByRole('heading', { name: 'Cuộc họp của tôi' }).waitFor({ timeout: 60_000 });
  await warm.close();

  // The chair opens the points panel before the point arrives: it watches the point join.
  await chair.getByRole('button', { name: 'Điểm cầu', exact: true }).click();

  // The chair's points panel marks its link as poor: the chair's page notes, every 250 ms, whether
  // the point's row is marked poor (row `data-link="poor"` and its badge, seen together), from the
  // point's join until the link is lifted. Why not a check at one instant: the point is poor while it
  // starts (its camera starts at 600 kbit/s into a 256 kbit/s uplink: 7 % loss, 230–375 ms round
  // trip), then, with NACK repairing most of the 5 % on video, the server's judgement moves between
  // fair and poor (measured; see docs/ARCHITECTURE.md, weak links): a check at one instant failed.
  await chair.evaluate((name) => {
    const w = window as unknown as { __wlPoorSeen?: number };
    const timer = setInterval(() => {
      for (const row of document.querySelectorAll('[data-testid="panel-points"] [data-testid="point-row"][data-link="poor"]')) {
        if (row.textContent?.includes(`Phòng họp ${name}`) && row.querySelector('[data-testid="point-link-poor"]')) {
          w.__wlPoorSeen = Date.now();
          clearInterval(timer);
        }
      }
    }, 250);
  }, POINT_NAME);
  const poorSeen = () => chair.evaluate(() => (window as unknown as { __wlPoorSeen?: number }).__wlPoorSeen ?? null);

  link!.shape(PROFILES.bad);
  const page = await context.newPage();
  const rejoins = rejoinsOf(page);
  const joinMs = await openAppAndJoin(page, server!.url, meeting.id, point.username);
  console.log(`point joined over ${PROFILES.bad.name} in ${(joinMs / 1000).toFixed(1)} s (warm cache, load ${load()})`);

  // It hears the chair: Opus packets with sound in them (the fake microphone beeps twice a second).
  // The first window with both may take the media's start; then three windows in a row must have
  // both, so a chair heard only now and then fails.
  const describe = (w: Awaited<ReturnType<typeof audioWindow>>) => `${w.packets} packets, energy ${w.energy.toFixed(3)}, track ${w.track}; rejoins: ${rejoins.join(' | ') || 'none'}`;
  await expect
    .poll(async () => {
      const w = await audioWindow(page, chairName, 2);
      return w.packets > 40 && w.energy > 0 ? 'heard' : describe(w);
    }, { message: "the chair's audio (packets and sound) at the point", timeout: 60_000, intervals: [500] })
    .toBe('heard');
  for (let i = 0; i < 3; i++) {
    const w = await audioWindow(page, chairName, 2);
    expect(w.packets > 40 && w.energy > 0, `window ${i + 1} of 3 after the first: ${describe(w)}`).toBe(true);
  }

  // The chair sees it: its picture is decoded at the chair (at least 2 frames a second over 5 s).
  await expect.poll(async () => (await videoWindow(chair, POINT_NAME)).frames, { message: "frames of the point's camera decoded at the chair", timeout: 60_000, intervals: [1000] }).toBeGreaterThanOrEqual(10);

  // It sees the chair at a layer its link carries, or the app has gone audio-only by itself and says so.
  const receiveMode = () => page.evaluate(() => window.__phonghop?.engine.getState().receiveMode);
  await expect
    .poll(async () => ((await receiveMode()) === 'audio-only' ? 'audio-only' : (await videoWindow(page, chairName)).frames >= 10 ? 'video' : 'frozen'), {
      message: "the chair's camera decoded at the point, or the app's audio-only fallback",
      timeout: 60_000,
      intervals: [1000],
    })
    .not.toBe('frozen');
  const shaped = (await receiveMode()) === 'audio-only' ? { frames: 0, height: 0 } : await videoWindow(page, chairName);
  if (shaped.height === 0) await expect(page.getByTestId('fallback-banner')).toBeVisible();
  expect(shaped.height).toBeLessThanOrEqual(360);

  // Before the link is lifted: the chair has seen the point marked poor (within 90 s more at most).
  await expect.poll(poorSeen, { message: "the chair's points panel marked the point poor while its link was bad", timeout: 90_000, intervals: [1000] }).not.toBeNull();

  // The link recovers: with no click, the point receives the chair above what the weak link carried.
  // Bound: up to two fallback steps back up (6 s of good link each, link/fallback-rules.ts), then
  // the server's estimate towards the point grows again (its plan reaches one step above it once
  // the link is clean for three rounds, bandwidth-reach.ts): about 15 s on a quiet machine; 150 s
  // here, for a shared machine's load.
  const modeBefore = await receiveMode();
  link!.lift();
  const liftedAt = Date.now();
  let height = 0;
  let normalAfter: number | null = modeBefore === 'normal' ? 0 : null;
  // The server's view of the point every 2 s after the lift (printed at the end, pass or fail): its
  // estimate, the loss towards it, and the reach's state (bandwidth-reach.ts).
  const serverView: string[] = [];
  const viewTimer = setInterval(() => {
    const room = server!.rooms.find(meeting.id);
    const p = room && [...room.peers.values()].find((x) => x.identity.displayName === POINT_NAME);
    if (!p) return;
    const r = p.bandwidthReach;
    const loss = p.downlinkLoss === null ? '—' : (100 * p.downlinkLoss).toFixed(1);
    serverView.push(`${((Date.now() - liftedAt) / 1000).toFixed(0)}s est ${Math.round((p.availableBitrate ?? 0) / 1000)} loss ${loss}% ${p.receiveMode}${r.lossy ? ' lossy' : ''}${r.heldBack ? ' held' : ''}${r.reaching ? ' reach' : ''} cap ${Math.round(p.outgoingCap / 1000)}`);
  }, 2000);
  await expect
    .poll(
      async () => {
        if (normalAfter === null && (await receiveMode()) === 'normal') normalAfter = Date.now() - liftedAt;
        return (height = (await videoWindow(page, chairName, 3)).height);
      },
      { message: "height of the chair's picture at the point after the link recovered", timeout: 150_000, intervals: [2000] },
    )
    .toBeGreaterThan(Math.max(shaped.height, 180))
    .finally(() => {
      clearInterval(viewTimer);
      console.log(`server's view of the point after the lift: ${serverView.join(' | ')}`);
    });
  const mode = normalAfter === null ? 'not yet normal' : `normal mode ${(normalAfter / 1000).toFixed(0)} s after (was ${modeBefore})`;
  console.log(`back to ${height}p ${((Date.now() - liftedAt) / 1000).toFixed(0)} s after the link recovered; ${mode} (load ${load()})`);
  const recovered = await videoWindow(page, chairName);
  expect(recovered.frames).toBeGreaterThanOrEqual(10);
  expect(await receiveMode()).toBe('normal');
  if (rejoins.length > 0) console.log(`the point rejoined: ${rejoins.join(' | ')}`);
  await page.context().close();
});

test('a point whose UDP is dropped joins over TCP and is seen and heard, media encrypted with AES-GCM', async () => {
  test.setTimeout(180_000);
  link!.lift();
  link!.dropUdp();
  const page = await (await newContext(pointBrowser!)).newPage();
  await openAppAndJoin(page, server!.url, meeting.id, udpPoint.username);

  await expect.poll(async () => (await videoWindow(chair, 'Điểm cầu xã Chỉ Có TCP')).frames, { message: "frames of the TCP point's camera at the chair", timeout: 60_000, intervals: [1000] }).toBeGreaterThanOrEqual(10);
  await expect.poll(async () => (await audioWindow(page, chairName)).packets, { message: 'audio packets from the chair over TCP', timeout: 60_000, intervals: [1000] }).toBeGreaterThan(50);
  // ...and the chair hears it.
  await expect.poll(async () => (await audioWindow(chair, 'Điểm cầu xã Chỉ Có TCP')).packets, { message: 'audio packets from the TCP point at the chair', timeout: 60_000, intervals: [1000] }).toBeGreaterThan(50);

  const stats = await snapshot(page);
  expect(stats.protocols.length).toBeGreaterThan(0);
  expect(new Set(stats.protocols)).toEqual(new Set(['tcp']));
  expect(link!.dropped().in + link!.dropped().out).toBeGreaterThan(0); // UDP was tried and dropped
  // The server offers the AEAD-GCM SRTP profiles first: Chromium takes one.
  expect(stats.srtpCiphers.length).toBeGreaterThan(0);
  for (const cipher of stats.srtpCiphers) expect(cipher).toMatch(/^(SRTP_)?AEAD_AES_(128|256)_GCM$/);
  await page.context().close();
  link!.dropUdp(false);
});
