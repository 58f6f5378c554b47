/**
 * A sender's upper simulcast layers stop, and its receivers carry on with the layer it still sends
 * (issue 12). On loopback, no shaping needed: the point chooses the low-bandwidth mode, which sends
 * only its lowest camera layer (the same as a weak uplink where Chromium drops the upper layers,
 * or the app's own fallback). The chair, whose large tile had been receiving an upper layer, must
 * go on decoding the point's picture at 180p.
 *
 * This failed before the server stopped negotiating `abs-capture-time` (see
 * sfu-server/src/media/header-extensions.ts): Chromium never sends it, so mediasoup 3.27 never
 * knew the capture instant of any layer, and each consumer stayed locked on the first spatial layer
 * it forwarded; once that layer stopped, the chair decoded nothing at all.
 */
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { openAppAndJoin } from '../support/app-join';
import { installPeerConnectionProbe, snapshot } from '../support/media-stats';
import { startTestServer } from '../support/test-server';
import { CHROMIUM_ARGS } from './support/server-env';
import { expect, test } from './support/test';

const POINT_NAME = 'Điểm cầu xã Lớp Thấp';

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
let browser: Browser | undefined;

test.afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
});

async function newContext(b: Browser): Promise<BrowserContext> {
  const context = await b.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'] });
  await installPeerConnectionProbe(context);
  return context;
}

/** Frames of `from`'s camera decoded on `page` over `seconds`, and the picture's height at the end. */
async function videoWindow(page: Page, from: string, seconds = 4): Promise<{ frames: number; height: number }> {
  const a = await snapshot(page);
  await page.waitForTimeout(seconds * 1000);
  const b = await snapshot(page);
  const end = b.inbound.find((s) => s.kind === 'video' && s.source === 'webcam' && s.from === from);
  const start = end && a.inbound.find((s) => s.trackId === end.trackId);
  return { frames: end && start ? end.framesDecoded - start.framesDecoded : 0, height: end?.frameHeight ?? 0 };
}

test('when a point stops sending its upper camera layers, the chair goes on seeing it at the layer it still sends', async () => {
  // Two Chromiums encoding 720p simulcast on 2 shared cores: joining alone can take a minute.
  test.setTimeout(300_000);
  server = await startTestServer({ RENDERER_DIR: path.resolve(process.env['RENDERER_DIR'] ?? 'renderer/dist'), LOGIN_RATE_PER_MINUTE: '1000', HEARTBEAT_SECONDS: '10' });
  browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const admin = await TestApi.admin(server.url);
  const point: Person = await person(admin, 'operator', POINT_NAME);
  const meeting = await liveMeeting(admin, [point], 'Giao ban đổi lớp simulcast');
  const chair = await (await newContext(browser)).newPage();
  await openAppAndJoin(chair, server.url, meeting.id, meeting.chair.username);
  const page = await (await newContext(browser)).newPage();
  await openAppAndJoin(page, server.url, meeting.id, point.username);

  // Two people in the room: the point's tile at the chair is large, so an upper layer is forwarded
  // (read on the server: under a loaded CPU Chromium scales every layer down, so heights vary).
  const forwardedToChair = () => {
    const room = server!.rooms.find(meeting.id);
    const peers = [...(room?.peers.values() ?? [])];
    const pointPeer = peers.find((p) => p.identity.displayName === POINT_NAME);
    const chairPeer = peers.find((p) => p !== pointPeer);
    const consumer = [...(chairPeer?.consumers.values() ?? [])].find((c) => c.kind === 'video' && c.appData.peerId === pointPeer?.id);
    return consumer?.currentLayers?.spatialLayer ?? -1;
  };
  await expect.poll(forwardedToChair, { message: "spatial layer of the point's camera forwarded to the chair", timeout: 90_000, intervals: [1000] }).toBeGreaterThanOrEqual(1);
  expect((await videoWindow(chair, POINT_NAME, 2)).frames).toBeGreaterThan(0);

  // The point goes to low-bandwidth mode: it sends only its lowest layer (180p) from now on.
  await page.getByRole('button', { name: 'Thiết bị và chất lượng' }).click();
  await page.getByRole('dialog', { name: 'Thiết bị và chất lượng' }).getByText('Băng thông thấp').click();
  await expect.poll(() => page.evaluate(() => window.__phonghop?.engine.getState().receiveMode)).toBe('low');
  await page.keyboard.press('Escape');
  const upperFrames = async () => (await snapshot(page)).outbound.filter((o) => o.kind === 'video' && o.rid !== 'r0').reduce((n, o) => n + o.framesEncoded, 0);
  await expect
    .poll(
      async () => {
        const before = await upperFrames();
        await page.waitForTimeout(2000);
        return (await upperFrames()) - before;
      },
      { message: 'frames the point encodes on its upper layers', timeout: 20_000, intervals: [500] },
    )
    .toBe(0);

  // The chair keeps decoding the point's picture, now at the lowest layer.
  await expect
    .poll(async () => (await videoWindow(chair, POINT_NAME)).frames, { message: "frames of the point's camera decoded at the chair after its upper layers stopped", timeout: 30_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(12);
  expect(forwardedToChair()).toBe(0);
});
