/** What a user does in the conference UI, as reusable steps, and what the tests read back. */
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

export interface Participant {
  page: Page;
  name: string;
  point: string;
}

/** Logs in through the login page and lands on "my meetings" (`options.baseURL` for a server of the test's own). */
export async function logIn(browser: Browser, username: string, password: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  return page;
}

/** From "my meetings": opens the live meeting, goes to its pre-join screen and joins. */
export async function joinLiveMeeting(page: Page, title: string): Promise<void> {
  await page.getByTestId('meetings-live').getByText(title).first().click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await expect(page.getByLabel('Xem trước camera')).toBeVisible();
  await page.getByRole('button', { name: 'Tham gia' }).click();
  // Joining is a chain of round trips and WebRTC negotiations: allow for a busy machine.
  await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 45_000 });
}

export async function openJoinedClient(browser: Browser, opts: { username: string; password: string; name: string; point: string; title: string }): Promise<Participant> {
  const page = await logIn(browser, opts.username, opts.password);
  await joinLiveMeeting(page, opts.title);
  return { page, name: opts.name, point: opts.point };
}

/** The remote tiles this page shows, by the name on each. */
export function tile(page: Page, name: string) {
  return page.getByTestId('participant-tile').filter({ has: page.getByTestId('tile-name').getByText(name, { exact: true }) });
}

/** Frames decoded so far by the video element of a remote tile. */
export async function framesDecoded(page: Page, name: string): Promise<number> {
  return tile(page, name)
    .locator('video')
    .evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
}

/** Audio bytes received so far from the peer of that name (the tile's receiver statistics). */
export async function audioBytesReceived(page: Page, name: string): Promise<number> {
  return page.evaluate(async (peerName) => {
    const engine = window.__phonghop?.engine;
    const peer = engine?.getState().peers.find((p) => p.info.displayName === peerName);
    if (!engine || !peer) return -1;
    const stats = await engine.peerStats(peer.info.id);
    return stats.audio?.bytesReceived ?? 0;
  }, name);
}

/** Waits until `read` returns a larger value than it did at the start. */
export async function expectGrowing(read: () => Promise<number>, message: string): Promise<void> {
  const first = await read();
  await expect.poll(read, { message, timeout: 30_000, intervals: [250, 500, 1000] }).toBeGreaterThan(first);
}
