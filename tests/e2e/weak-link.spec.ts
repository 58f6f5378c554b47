/**
 * A bridge point on a weak link (issue 12): one real Chromium in its own network namespace behind a
 * shaped veth (tests/support/weak-link.ts), the chair's Chromium and the server on the host. Every
 * check reads the pages' getStats(): frames decoded growing, audio packets and energy arriving, the
 * height of the picture, the candidate the media flows over. Needs root (namespaces, tc, iptables):
 * CI runs as root; elsewhere the scenarios are skipped with that reason.
 */
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { openAppAndJoin } from '../support/app-join';
import { installPeerConnectionProbe, snapshot, type PageSnapshot } from '../support/media-stats';
import { startTestServer } from '../support/test-server';
import { PROFILES, WeakLink } from '../support/weak-link';
import { CHROMIUM_ARGS } from './support/server-env';
import { expect, test } from './support/test';

const POINT_NAME = 'Điểm cầu xã Vùng Cao';
const isRoot = process.getuid?.() === 0;

test.describe.configure({ mode: 'serial' });
test.skip(!isRoot, 'the weak-link harness needs root (network namespaces, tc, iptables)');
/**
 * The bad-link scenario is opt-in (WEAK_LINK_E2E=1) because of its length, not its result: a cold
 * start over 384 kbit/s, the fallback and the recovery take 2–4 minutes on this shared 2-core
 * machine (load 28–35 on 2026-12-06), well above the ~90 s a default CI scenario may take.
 * It used to fail too (the chair decoded no frame of the point): mediasoup locked each simulcast
 * consumer on the first layer it forwarded because `abs-capture-time` was negotiated but never
 * sent (see sfu-server/src/media/header-extensions.ts); tests/e2e/simulcast-switch.spec.ts covers
 * that on loopback, by default.
 */
const badLinkEnabled = process.env['WEAK_LINK_E2E'] === '1';

let link: WeakLink | undefined;
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
let hostBrowser: Browser | undefined;
let pointBrowser: Browser | undefined;
let meeting: { id: string; chair: Person };
let point: Person;
let udpPoint: Person;
let chair: Page;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  link = WeakLink.create();
  server = await startTestServer({
    HOST: link.hostAddress,
    RTC_LISTEN_IP: link.hostAddress,
    ANNOUNCED_IP: link.hostAddress,
    RENDERER_DIR: path.resolve(process.env['RENDERER_DIR'] ?? 'renderer/dist'),
    LOGIN_RATE_PER_MINUTE: '1000',
    HEARTBEAT_SECONDS: '10',
  });
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

/** Audio packets and energy from `from` received on `page` over `seconds`. */
async function audioWindow(page: Page, from: string, seconds = 3): Promise<{ packets: number; energy: number }> {
  const a = await snapshot(page);
  await page.waitForTimeout(seconds * 1000);
  const b = await snapshot(page);
  const end = b.inbound.find((s) => s.kind === 'audio' && s.from === from);
  const start = end && a.inbound.find((s) => s.trackId === end.trackId);
  return end && start ? { packets: end.packetsReceived - start.packetsReceived, energy: end.totalAudioEnergy - start.totalAudioEnergy } : { packets: 0, energy: 0 };
}

const chairName = 'Chủ tọa Nguyễn Văn Chủ';

test('a point behind 384/256 kbit with 5 % loss hears the chair, is seen by the chair, and goes back to full quality when the link recovers', async () => {
  test.skip(!badLinkEnabled, 'opt-in (WEAK_LINK_E2E=1): takes 2-4 minutes here, see the note at the top');
  test.setTimeout(420_000);
  link!.shape(PROFILES.bad);
  const page = await (await newContext(pointBrowser!)).newPage();
  await openAppAndJoin(page, server!.url, meeting.id, point.username);

  // It hears the chair: Opus packets with sound in them keep arriving.
  await expect.poll(async () => (await audioWindow(page, chairName)).packets, { message: 'audio packets from the chair', timeout: 60_000, intervals: [1000] }).toBeGreaterThan(50);
  expect((await audioWindow(page, chairName)).energy).toBeGreaterThan(0);

  // The chair sees it: its picture is decoded at the chair (at least 2 frames a second over 5 s).
  await expect.poll(async () => (await videoWindow(chair, POINT_NAME)).frames, { message: "frames of the point's camera decoded at the chair", timeout: 60_000, intervals: [1000] }).toBeGreaterThanOrEqual(10);
  // The chair's points panel marks its link as poor (the client UI's markers, see connection-quality.spec.ts).
  await chair.getByRole('button', { name: 'Điểm cầu', exact: true }).click();
  const row = chair.getByTestId('panel-points').getByTestId('point-row').filter({ hasText: `Phòng họp ${POINT_NAME}` });
  await expect(row.getByTestId('point-link-poor')).toBeVisible({ timeout: 60_000 });
  await expect(row).toHaveAttribute('data-link', 'poor');

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

  // The link recovers: with no click, the point receives the chair above what the weak link carried.
  link!.lift();
  await expect
    .poll(async () => (await videoWindow(page, chairName, 3)).height, { message: "height of the chair's picture at the point after the link recovered", timeout: 120_000, intervals: [2000] })
    .toBeGreaterThan(Math.max(shaped.height, 180));
  const recovered = await videoWindow(page, chairName);
  expect(recovered.frames).toBeGreaterThanOrEqual(10);
  expect(await receiveMode()).toBe('normal');
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
