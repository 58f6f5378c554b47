/**
 * The room as users see it, with four Chromium clients (the chair and three bridge points; a fourth
 * invited point never comes): the roll call of points, the paged grid (only the shown page's
 * video is forwarded), pinning, the speaker view following the one who speaks, chair focus, a
 * screen shared from the desktop app's picker and from a browser, and device settings.
 */
import { expect as baseExpect, type Browser, type Page } from '@playwright/test';
import { test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { expectGrowing, tile } from './support/conference';
import { desktopCalls, useFakeDesktop } from './support/fake-desktop';

// Four browsers on a 2-core machine shared with other test runs: every step may be slow.
const expect = baseExpect.configure({ timeout: 45_000 });

async function openClient(browser: Browser, username: string, title: string, opts: { desktop?: boolean; tilesPerPage?: number } = {}): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[${username}] ${m.type()}: ${m.text().slice(0, 300)}`);
  });
  if (opts.desktop) await useFakeDesktop(page);
  // A tiles-per-page choice remembered on this device from an earlier meeting.
  if (opts.tilesPerPage) await page.addInitScript((v) => localStorage.setItem('phonghop.room', v), JSON.stringify({ tilesPerPage: opts.tilesPerPage }));
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  await page.getByTestId('meetings-live').getByText(title).first().click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await expect(page.getByLabel('Xem trước camera')).toBeVisible();
  // Four browsers negotiating on a busy 2-core machine: joining can take a while. One click: a join
  // that fails fails the test (tests/integration/signaling-busy-server.test.ts has the cause fixed).
  await page.getByRole('button', { name: 'Tham gia' }).click();
  await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 120_000 });
  return page;
}

/**
 * Whether the server forwards that participant's camera to this page now (media control): false
 * also when the page has no consumer of it (made only once the camera is first forwarded here);
 * null when the participant is not in the room.
 */
function videoForwarding(page: Page, name: string): Promise<boolean | null> {
  return page.evaluate((n) => {
    const peer = window.__phonghop?.engine.getState().peers.find((p) => p.info.displayName === n);
    if (!peer) return null;
    return peer.tracks.find((t) => t.kind === 'video' && t.source === 'webcam')?.forwarding ?? false;
  }, name);
}

/** Whether this page sees that participant's camera as paused (turned off, or audio-only mode). */
function cameraPausedSeenBy(page: Page, name: string): Promise<boolean | null> {
  return page.evaluate((n) => {
    const peer = window.__phonghop?.engine.getState().peers.find((p) => p.info.displayName === n);
    return peer?.info.producers.find((p) => p.source === 'webcam')?.paused ?? null;
  }, name);
}

const screenFrames = (page: Page) => page.getByTestId('screen-tile').locator('video').evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);

async function chooseLayout(page: Page, name: string) {
  await page.getByRole('button', { name: 'Bố cục' }).click();
  await page.getByRole('menuitem', { name, exact: true }).click();
}

/** Turns the camera off: on a 2-core machine shared by many runs, only A's camera is sent. */
async function cameraOff(page: Page) {
  await page.getByRole('button', { name: 'Tắt camera' }).click();
  await expect(page.getByRole('button', { name: 'Bật camera' })).toBeVisible();
}

async function mute(page: Page) {
  await page.getByRole('button', { name: 'Tắt micrô' }).click();
  await expect(page.getByRole('button', { name: 'Bật micrô' })).toBeVisible();
}

test('roll call of points, paged grid, pins, speaker view, chair focus, screen sharing and devices', async ({ browser, baseURL }) => {
  test.setTimeout(1_200_000);
  const admin = await TestApi.admin(baseURL!);
  const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung'];
  const ops = [];
  for (const n of names) ops.push(await person(admin, 'operator', n));
  const title = `Hội nghị bố cục ${Date.now()}`;
  const meeting = await liveMeeting(admin, ops, title);
  const [nameA, nameB, nameC] = names as [string, string, string, string];
  const chairName = 'Chủ tọa Nguyễn Văn Chủ';

  // The chair remembered "2 tiles per page" on this computer; B runs the desktop app.
  // Only A keeps its camera and microphone on.
  const chair = await openClient(browser, meeting.chair.username, title, { tilesPerPage: 2 });
  await mute(chair);
  await cameraOff(chair);
  const b = await openClient(browser, ops[1]!.username, title, { desktop: true });
  await mute(b);
  await cameraOff(b);
  const c = await openClient(browser, ops[2]!.username, title);
  await mute(c);
  await cameraOff(c);
  const a = await openClient(browser, ops[0]!.username, title);

  // ---- roll call: 3 of 4 points connected; A's picture and sound OK, B's camera off and muted, D never came.
  await chair.getByRole('button', { name: 'Điểm cầu' }).click();
  const panel = chair.getByTestId('panel-points');
  await expect(panel.getByTestId('points-connected')).toHaveText('3/4 đã kết nối');
  const row = (n: string) => panel.getByTestId('point-row').filter({ hasText: `Phòng họp ${n}` });
  await expect(row(nameA)).toHaveAttribute('data-picture', 'ok', { timeout: 60_000 });
  await expect(row(nameA)).toHaveAttribute('data-sound', 'ok');
  await expect(row(nameA).getByTestId('point-sound')).toHaveText('Âm thanh tốt');
  await expect(row(nameB)).toHaveAttribute('data-sound', 'muted');
  await expect(row(nameB)).toHaveAttribute('data-picture', 'off');
  await expect(row(nameB).getByTestId('point-picture')).toHaveText('Tắt camera');
  await expect(row('Phạm Thị Dung')).toHaveAttribute('data-connected', 'false');
  await expect(row('Phạm Thị Dung').getByTestId('point-connection')).toHaveText('Chưa kết nối');
  await expect(panel.getByTestId('points-picture-count')).toHaveText('1 hình ảnh tốt');
  await expect(panel.getByTestId('points-sound-count')).toHaveText('1 âm thanh tốt');
  // A bridge point sees the list without diagnostics.
  await a.getByRole('button', { name: 'Điểm cầu' }).click();
  await expect(a.getByTestId('panel-points').getByTestId('points-connected')).toHaveText('3/4 đã kết nối');
  await expect(a.getByTestId('panel-points').getByTestId('point-picture')).toHaveCount(0);
  await a.getByRole('button', { name: 'Đóng bảng' }).click();
  await chair.getByRole('button', { name: 'Đóng bảng' }).click();

  // ---- paging: 2 tiles per page, in join order → ourselves and B on page 1, C and A on page 2.
  // A's video is forwarded to the chair only while its page is shown.
  // Join order is the server's join time: a point whose connection dropped on this loaded machine
  // and rejoined is later in it (a run failed waiting for B on page 1 — B had rejoined, so B was on
  // page 2). The pages are checked against the order the chair's engine has, and a rejoin is logged.
  const order = await chair.evaluate(() => window.__phonghop!.engine.getState().peers.map((p) => p.info.displayName));
  expect([...order].sort()).toEqual([nameA, nameB, nameC].sort());
  if (order.join() !== [nameB, nameC, nameA].join()) console.log(`[layouts] join order seen by the chair: ${order.join(', ')} (a point rejoined)`);
  const [first, second, third] = order as [string, string, string];
  const aOnPage1 = first === nameA;
  const grid = chair.getByTestId('video-grid');
  await expect(grid).toHaveAttribute('data-layout', 'grid');
  await expect(chair.getByTestId('page-indicator')).toHaveText('Trang 1/2');
  await expect(grid.getByTestId('self-tile')).toBeVisible();
  await expect(grid.getByTestId('participant-tile')).toHaveCount(1);
  await expect(tile(chair, first)).toBeVisible();
  await expect.poll(() => videoForwarding(chair, nameA)).toBe(aOnPage1);
  await chair.getByRole('button', { name: 'Trang sau' }).click();
  await expect(chair.getByTestId('page-indicator')).toHaveText('Trang 2/2');
  await expect(grid.getByTestId('participant-tile')).toHaveCount(2);
  await expect(tile(chair, second)).toBeVisible();
  await expect(tile(chair, third)).toBeVisible();
  await expect.poll(() => videoForwarding(chair, nameA)).toBe(!aOnPage1);
  if (aOnPage1) await chair.getByRole('button', { name: 'Trang trước' }).click();
  await expectGrowing(() => tile(chair, nameA).locator('video').evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames), 'the chair decodes A on page 2');

  // ---- pin A: it leads the first page.
  await tile(chair, nameA).getByRole('button', { name: `Ghim Phòng họp ${nameA}` }).click();
  if (!aOnPage1) await chair.getByRole('button', { name: 'Trang trước' }).click();
  await expect(chair.getByTestId('page-indicator')).toHaveText('Trang 1/2');
  await expect(tile(chair, nameA)).toHaveAttribute('data-pinned', 'true');
  await expect(grid.getByTestId('self-tile')).toBeVisible();
  await expect.poll(() => videoForwarding(chair, nameA)).toBe(true);
  await tile(chair, nameA).getByRole('button', { name: `Bỏ ghim Phòng họp ${nameA}` }).click();

  // ---- speaker view: only A has its microphone on, so A is on the stage, highlighted.
  await chooseLayout(chair, 'Người đang nói');
  await expect(grid).toHaveAttribute('data-layout', 'speaker');
  const stage = chair.getByTestId('stage');
  await expect(stage.getByTestId('participant-tile')).toHaveCount(1);
  await expect(tile(chair, nameA)).toHaveAttribute('data-speaking', 'true', { timeout: 60_000 });
  await expect(stage.getByTestId('tile-name')).toHaveText(nameA);
  await expect(chair.getByTestId('strip').getByTestId('self-tile')).toBeVisible();
  // A stops, B speaks: the stage follows.
  await mute(a);
  await b.getByRole('button', { name: 'Bật micrô' }).click();
  await expect(stage.getByTestId('tile-name')).toHaveText(nameB, { timeout: 60_000 });
  await expect(tile(chair, nameB)).toHaveAttribute('data-speaking', 'true');
  // The layout is remembered on this device.
  expect(await chair.evaluate(() => JSON.parse(localStorage.getItem('phonghop.room') ?? '{}').layout)).toBe('speaker');

  // ---- chair focus on A: the chair and the current speaker (B) are large.
  await chooseLayout(a, 'Chủ trì và người đang nói');
  const stageA = a.getByTestId('stage');
  await expect(stageA.getByTestId('tile-name')).toHaveText([chairName, nameB], { timeout: 60_000 });
  await expect(a.getByTestId('strip').getByTestId('participant-tile')).toHaveCount(1);

  // ---- B shares a window from the desktop app's picker; the chair receives it on the stage.
  await b.getByRole('button', { name: 'Chia sẻ màn hình' }).click();
  const picker = b.getByRole('dialog', { name: 'Chọn màn hình hoặc cửa sổ để chia sẻ' });
  await expect(picker.getByRole('radio', { name: 'Màn hình 1' })).toBeVisible();
  await picker.getByRole('tab', { name: 'Cửa sổ' }).click();
  await picker.getByRole('radio', { name: 'Báo cáo tình hình kinh tế - xã hội.pdf' }).click();
  await picker.getByRole('button', { name: 'Chia sẻ' }).click();
  await expect(b.getByTestId('self-screen-tile')).toBeVisible();
  await expect(b.getByRole('button', { name: 'Dừng chia sẻ màn hình' })).toBeVisible();
  expect((await desktopCalls(b)).filter((c) => c.method === 'selectScreenSource').map((c) => c.args)).toEqual([['window:42:0']]);
  await expect(stage.getByTestId('screen-tile')).toBeVisible();
  await expect(stage.getByTestId('screen-owner')).toHaveText(`Màn hình của Phòng họp ${nameB}`);
  await expectGrowing(() => screenFrames(chair), 'the chair decodes the shared screen');
  // In the grid too, the screen takes the stage.
  await chooseLayout(chair, 'Lưới');
  await expect(chair.getByTestId('stage').getByTestId('screen-tile')).toBeVisible();
  await expectGrowing(() => screenFrames(chair), 'the chair still decodes the shared screen');
  await b.getByRole('button', { name: 'Dừng chia sẻ màn hình' }).click();
  await expect(chair.getByTestId('screen-tile')).toHaveCount(0);
  await expect(chair.getByTestId('video-grid')).toHaveAttribute('data-layout', 'grid');

  // ---- C shares from the browser (getDisplayMedia); A receives it.
  await c.getByRole('button', { name: 'Chia sẻ màn hình' }).click();
  await expect(c.getByTestId('self-screen-tile')).toBeVisible();
  await expect(a.getByTestId('screen-tile')).toBeVisible();
  await expectGrowing(() => screenFrames(a), 'A decodes the screen shared from a browser');
  await c.getByRole('button', { name: 'Dừng chia sẻ màn hình' }).click();
  await expect(a.getByTestId('screen-tile')).toHaveCount(0);

  // ---- devices during the call: another microphone, then audio only (A stops sending video).
  await a.getByRole('button', { name: 'Thiết bị và chất lượng' }).click();
  const settings = a.getByRole('dialog', { name: 'Thiết bị và chất lượng' });
  const before = await a.evaluate(() => window.__phonghop?.engine.localStream?.getAudioTracks()[0]?.getSettings().deviceId ?? null);
  await settings.getByRole('combobox', { name: 'Micrô' }).click();
  const options = a.getByRole('option');
  const count = await options.count();
  if (count > 1) {
    const labels = await options.allTextContents();
    const other = labels.findIndex((_, i) => i > 0);
    await options.nth(other).click();
    await expect.poll(() => a.evaluate(() => window.__phonghop?.engine.localStream?.getAudioTracks()[0]?.getSettings().deviceId ?? null)).not.toBe(before);
    // Still one audio track, and it is live.
    expect(await a.evaluate(() => window.__phonghop?.engine.localStream?.getAudioTracks().map((t) => t.readyState))).toEqual(['live']);
  } else {
    await a.keyboard.press('Escape');
  }
  await settings.getByText('Chỉ âm thanh').click();
  await expect.poll(() => a.evaluate(() => window.__phonghop?.engine.getState().receiveMode)).toBe('audio-only');
  await expect.poll(() => cameraPausedSeenBy(chair, nameA)).toBe(true);
  await settings.getByText('Bình thường').click();
  await expect.poll(() => cameraPausedSeenBy(chair, nameA)).toBe(false);

  for (const p of [chair, a, b, c]) await p.context().close();
});
