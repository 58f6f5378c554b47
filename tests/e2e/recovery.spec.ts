/**
 * Recovery without a click: (1) the mediasoup worker carrying the call is killed (SIGKILL): the
 * server replaces it, the room is made again and both bridge points come back by themselves with
 * their pictures; (2) one point's network is cut for 5 s (the page goes offline and its signaling
 * stops passing, as on a dropped link): "Đang kết nối lại…" shows, then it is back with the same
 * identity and pictures flow both ways again.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { MediaMetrics } from '../../common/api/metrics';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { expectGrowing, framesDecoded, joinLiveMeeting, logIn, openJoinedClient, tile } from './support/conference';

/** Waits until the page shows the other point's tile with its picture moving; returns the time it took. */
async function picturesFlow(page: Page, otherName: string): Promise<number> {
  const start = Date.now();
  await expect(tile(page, otherName)).toBeVisible({ timeout: 30_000 });
  await expect(tile(page, otherName).locator('video')).toBeVisible({ timeout: 30_000 });
  await expectGrowing(() => framesDecoded(page, otherName).catch(() => 0), `${otherName}'s picture moves`);
  return Date.now() - start;
}

/**
 * Starts watching, in the page, for the first frame of `name`'s picture on a new track (the one
 * after a rejoin); the returned function resolves with the page's clock at that frame. Watched in
 * the page every 20 ms, so the figure is not the test's polling interval.
 */
async function watchNextPicture(page: Page, name: string): Promise<() => Promise<number>> {
  const key = `__nextPicture_${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ who, key }) => {
      const video = () =>
        [...document.querySelectorAll('[data-testid="participant-tile"]')]
          .find((t) => t.querySelector('[data-testid="tile-name"]')?.textContent === who)
          ?.querySelector('video') ?? null;
      const trackId = (v: HTMLVideoElement | null) => ((v?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id ?? null);
      const before = trackId(video());
      (window as unknown as Record<string, Promise<number>>)[key] = new Promise<number>((resolve) => {
        const tick = () => {
          const v = video();
          const id = trackId(v);
          if (v && id && id !== before && v.readyState >= 2) v.requestVideoFrameCallback(() => resolve(Date.now()));
          else setTimeout(tick, 20);
        };
        tick();
      });
    },
    { who: name, key },
  );
  return () => page.evaluate((k) => (window as unknown as Record<string, Promise<number>>)[k]!, key);
}

test('a killed media worker and a 5-second network cut both recover by themselves', async ({ browser, baseURL }) => {
  // Two browsers, two recoveries, on a shared 2-core machine.
  test.setTimeout(420_000);
  const admin = await TestApi.admin(baseURL!);
  const points = [
    { name: 'Phạm Văn Phục', point: 'Phòng họp Phạm Văn Phục' },
    { name: 'Đỗ Thị Hồi', point: 'Phòng họp Đỗ Thị Hồi' },
  ];
  const accounts = [await person(admin, 'operator', points[0]!.name), await person(admin, 'operator', points[1]!.name)];
  const title = `Kiểm tra khôi phục ${Date.now()}`;
  const meeting = await liveMeeting(admin, accounts, title);

  const a = await openJoinedClient(browser, { username: accounts[0]!.username, password: PASSWORD, ...points[0]!, title });
  // B's signaling can be cut like a dropped link: while cut, nothing B sends or receives on its
  // WebSockets passes and new connections are refused (a page script wraps WebSocket).
  const bPage = await logIn(browser, accounts[1]!.username, PASSWORD);
  await bPage.addInitScript(() => {
    const Native = window.WebSocket;
    const net = { cut: false };
    (window as unknown as { __net: typeof net }).__net = net;
    class CuttableWebSocket extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        // While cut, connecting fails as on a dead link (port 9 refuses).
        super(net.cut ? String(url).replace(/\/\/[^/]+/, '//127.0.0.1:9') : url, protocols);
        this.addEventListener('message', (e) => {
          if (net.cut) e.stopImmediatePropagation();
        });
      }
      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        if (!net.cut) super.send(data);
      }
    }
    window.WebSocket = CuttableWebSocket;
  });
  await bPage.reload();
  await expect(bPage.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  const setCut = (on: boolean) => bPage.evaluate((v) => ((window as unknown as { __net: { cut: boolean } }).__net.cut = v), on);
  await joinLiveMeeting(bPage, title);
  const b = { page: bPage, ...points[1]! };
  await picturesFlow(a.page, b.name);
  await picturesFlow(b.page, a.name);

  // 1. Kill the worker process that carries the room.
  const before = (await admin.ok('GET', '/api/metrics')) as MediaMetrics;
  const room = before.rooms.find((r) => r.meetingId === meeting.id)!;
  expect(room.participants).toBe(2);
  const pids = room.workers.map((i) => before.workers[i]!.pid);
  const nextAtA = await watchNextPicture(a.page, b.name);
  const nextAtB = await watchNextPicture(b.page, a.name);
  const killedAt = Date.now();
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  const [framesAtA, framesAtB] = await Promise.all([nextAtA(), nextAtB()]);
  console.log(`media back ${Math.max(framesAtA, framesAtB) - killedAt} ms after the worker was killed (first new frame: A ${framesAtA - killedAt} ms, B ${framesAtB - killedAt} ms)`);
  // Both come back by themselves (no click): the same people, pictures moving again.
  await expect.poll(async () => ((await admin.ok('GET', '/api/metrics')) as MediaMetrics).workers.filter((w) => w.alive && !pids.includes(w.pid)).length, { timeout: 20_000 }).toBe(before.workers.length);
  await picturesFlow(a.page, b.name);
  await picturesFlow(b.page, a.name);
  for (const p of [a.page, b.page]) await expect(p.getByTestId('participant-count')).toHaveText('2 điểm cầu');
  const after = (await admin.ok('GET', '/api/metrics')) as MediaMetrics;
  expect(after.rooms.find((r) => r.meetingId === meeting.id)?.participants).toBe(2);

  // 2. B's network is cut for 5 s: nothing passes, the page is offline.
  await setCut(true);
  await bPage.context().setOffline(true);
  await expect(bPage.getByRole('status').filter({ hasText: 'Đang kết nối lại' })).toBeVisible({ timeout: 15_000 });
  await new Promise((r) => setTimeout(r, 5000));
  await setCut(false);
  await bPage.context().setOffline(false);
  const backAt = Date.now();
  await expect(bPage.getByRole('status').filter({ hasText: 'Đang kết nối lại' })).toBeHidden({ timeout: 30_000 });
  await picturesFlow(bPage, a.name);
  await picturesFlow(a.page, b.name);
  console.log(`network cut: back ${Date.now() - backAt} ms after the link returned`);
  // The same identity: A still sees B by name and bridge point, once.
  await expect(tile(a.page, b.name)).toHaveCount(1);
  await expect(tile(a.page, b.name).getByTestId('tile-point')).toHaveText(b.point);
  await expect(bPage.getByRole('button', { name: 'Rời phòng' })).toBeVisible();
});
