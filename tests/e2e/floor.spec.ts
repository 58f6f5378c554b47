/**
 * Running the floor in the real UI through the real server and SFU: the chair switches on
 * controlled mode, a point asks to speak, the chair gives it the floor and the others receive its
 * audio (bytes rising) while the other point stays muted; the timer is seen by everyone; the chair
 * takes the floor back. The quorum badge follows points joining and leaving. A point muted by the
 * host sends no audio others receive until it accepts the host's request to unmute; a removed
 * point is told so and cannot come back.
 */
import { expect as baseExpect, type Browser, type Page } from '@playwright/test';
import { test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { audioBytesReceived, expectGrowing, tile } from './support/conference';

/** Three browsers with live audio on a small shared machine: be patient with each step. */
const expect = baseExpect.configure({ timeout: 60_000 });

/** Like joinLiveMeeting, with more patience: this scenario runs three browsers on a shared machine. */
async function join(page: Page, title: string): Promise<void> {
  await page.getByTestId('meetings-live').getByText(title).first().click({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click({ timeout: 60_000 });
  await expect(page.getByLabel('Xem trước camera')).toBeVisible({ timeout: 60_000 });
  // One click: a join that fails fails the test (the false heartbeat drop behind the old retries is
  // fixed: tests/integration/signaling-busy-server.test.ts).
  await page.getByRole('button', { name: 'Tham gia', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 180_000 });
  // This scenario is about sound: cameras off, so three browsers do not decode video on a busy machine.
  await page.getByRole('button', { name: 'Tắt camera' }).click();
  await expect(page.getByRole('button', { name: 'Bật camera' })).toBeVisible();
}

async function logIn(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible({ timeout: 60_000 });
  return page;
}

async function openJoinedClient(browser: Browser, opts: { username: string; name: string; title: string }) {
  const page = await logIn(browser, opts.username);
  await join(page, opts.title);
  return { page, name: opts.name };
}

/** Audio bytes from `name` do not grow over a couple of seconds (after a moment to settle). */
async function expectSilent(page: Page, name: string, message: string): Promise<void> {
  await page.waitForTimeout(1500);
  const before = await audioBytesReceived(page, name);
  await page.waitForTimeout(2500);
  expect(await audioBytesReceived(page, name), message).toBe(before);
}

test('speaker queue, floor, quorum and host moderation', async ({ browser, baseURL }) => {
  test.setTimeout(900_000);
  const admin = await TestApi.admin(baseURL!);
  const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'];
  const accounts = [];
  for (const n of names) accounts.push(await person(admin, 'operator', n));
  const title = `Họp điều hành phát biểu ${Date.now()}`;
  const meeting = await liveMeeting(admin, accounts, title);

  // The chair joins first: three points invited, none connected: no quorum.
  const chair = await logIn(browser, meeting.chair.username);
  await join(chair, title);
  const badge = chair.getByTestId('quorum-badge');
  await expect(badge).toHaveText('Chưa đủ túc số: 0/3 (cần 2)');

  const a = await openJoinedClient(browser, { username: accounts[0]!.username, name: names[0]!, title });
  await expect(badge).toHaveText('Chưa đủ túc số: 1/3 (cần 2)');
  const b = await openJoinedClient(browser, { username: accounts[1]!.username, name: names[1]!, title });
  await expect(badge).toHaveText('Đủ túc số: 2/3');
  // Points do not see the quorum or the attendance panel.
  await expect(a.page.getByTestId('quorum-badge')).toHaveCount(0);
  await expect(a.page.getByTestId('panel-button-attendance')).toHaveCount(0);

  // The attendance panel lists every invited point with its state; the secretary's roll call.
  await chair.getByTestId('panel-button-attendance').click();
  const attendance = chair.getByTestId('panel-attendance');
  await expect(attendance.getByTestId('attendance-point').and(chair.locator('[data-online="true"]'))).toHaveCount(2);
  await expect(attendance.getByTestId('attendance-point').and(chair.locator('[data-online="false"]'))).toHaveText(/Phòng họp Lê Văn Cường/);
  await attendance.getByRole('textbox', { name: `Số người có mặt tại Phòng họp ${names[0]}` }).fill('18');
  await attendance.getByTestId('attendance-point').filter({ hasText: `Phòng họp ${names[0]}` }).getByRole('button', { name: 'Lưu' }).click();
  await expect(attendance.getByRole('textbox', { name: `Số người có mặt tại Phòng họp ${names[0]}` })).toHaveValue('18');

  // Before controlled mode everyone is heard.
  await expectGrowing(() => audioBytesReceived(chair, b.name), 'the chair hears B before controlled mode');

  // Controlled mode: A and B are muted by the server.
  await chair.getByTestId('panel-button-floor').click();
  const floorPanel = chair.getByTestId('panel-floor');
  await floorPanel.getByRole('switch', { name: 'Điều khiển phát biểu' }).click({ force: true });
  for (const p of [a, b]) await expect(p.page.getByRole('button', { name: 'Bật micrô' })).toHaveAttribute('aria-pressed', 'true');
  await expectSilent(chair, b.name, 'B is silent in controlled mode');

  // A asks to speak with a topic; the chair sees it in the queue with its waiting time.
  await a.page.getByTestId('panel-button-floor').click();
  await a.page.getByRole('textbox', { name: 'Nội dung (không bắt buộc)' }).fill('Báo cáo tiến độ giải ngân vốn đầu tư công');
  await a.page.getByRole('button', { name: 'Đăng ký phát biểu' }).click();
  await expect(a.page.getByTestId('my-floor-status')).toHaveText('Bạn đã đăng ký phát biểu, thứ tự 1.');
  const item = floorPanel.getByTestId('floor-queue-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(`1. Phòng họp ${names[0]}`);
  await expect(item).toContainText('Báo cáo tiến độ giải ngân vốn đầu tư công');
  await expect(item).toContainText(/Đã chờ \d\d:\d\d/);
  // The count sits on the button's indicator (its parent).
  await expect(chair.getByTestId('panel-button-floor').locator('xpath=..')).toContainText('1');

  // The chair gives A the floor: A is unmuted by the server, everyone sees the timer.
  await floorPanel.getByRole('button', { name: `Mời Phòng họp ${names[0]} phát biểu` }).click();
  await expect(a.page.getByRole('button', { name: 'Tắt micrô' })).toBeVisible();
  for (const page of [chair, a.page, b.page]) {
    await expect(page.getByTestId('speaker-name')).toHaveText(`Đang phát biểu: Phòng họp ${names[0]}`);
    await expect(page.getByTestId('speaker-elapsed')).toHaveText(/^\d\d:\d\d \/ 03:00$/);
  }
  await expectGrowing(() => audioBytesReceived(chair, a.name), 'the chair hears A');
  await expectGrowing(() => audioBytesReceived(b.page, a.name), 'B hears A');
  await expectSilent(chair, b.name, 'B stays muted while A speaks');
  await expectSilent(a.page, b.name, 'A does not hear B');

  // B tries to unmute itself: refused, still muted, and nothing reaches the others.
  await b.page.getByRole('button', { name: 'Bật micrô' }).click();
  await expect(b.page.getByText('Bạn không có quyền thực hiện thao tác này.')).toBeVisible();
  await expect(b.page.getByRole('button', { name: 'Bật micrô' })).toHaveAttribute('aria-pressed', 'true');
  await expectSilent(chair, b.name, 'B is still silent after trying to unmute');

  // The chair takes the floor back: A is muted again.
  await floorPanel.getByRole('button', { name: 'Kết thúc phát biểu' }).click();
  await expect(a.page.getByRole('button', { name: 'Bật micrô' })).toHaveAttribute('aria-pressed', 'true');
  await expect(chair.getByTestId('speaker-timer')).toHaveCount(0);
  await expectSilent(chair, a.name, 'A is silent after the floor is taken back');

  // Controlled mode off; A unmutes; the chair mutes A from its tile: A sends nothing others receive.
  await floorPanel.getByRole('switch', { name: 'Điều khiển phát biểu' }).click({ force: true });
  await expect(floorPanel.getByRole('switch', { name: 'Điều khiển phát biểu' })).not.toBeChecked();
  await a.page.getByRole('button', { name: 'Bật micrô' }).click();
  await expectGrowing(() => audioBytesReceived(chair, a.name), 'the chair hears A when the floor is open');
  await tile(chair, a.name).getByRole('button', { name: `Điều hành Phòng họp ${names[0]}` }).click();
  await chair.getByRole('menuitem', { name: 'Tắt micrô' }).click();
  await expect(a.page.getByRole('button', { name: 'Bật micrô' })).toHaveAttribute('aria-pressed', 'true');
  await expectSilent(chair, a.name, 'a host-muted point is not heard');
  await expectSilent(b.page, a.name, 'a host-muted point is not heard by other points');
  await a.page.getByRole('button', { name: 'Bật micrô' }).click();
  await expect(a.page.getByText('Bạn không có quyền thực hiện thao tác này.')).toBeVisible();
  await expectSilent(chair, a.name, 'a host-muted point cannot unmute itself');

  // The chair asks A to unmute; A accepts the prompt and is heard again.
  await tile(chair, a.name).getByRole('button', { name: `Điều hành Phòng họp ${names[0]}` }).click();
  await chair.getByRole('menuitem', { name: 'Đề nghị bật micrô' }).click();
  await expect(a.page.getByTestId('unmute-asked')).toHaveText(/đề nghị bạn bật micrô/);
  await a.page.getByRole('button', { name: 'Bật micrô' }).last().click();
  await expectGrowing(() => audioBytesReceived(chair, a.name), 'A is heard after accepting');

  // The chair removes B: B is told and cannot come back; the quorum drops.
  await tile(chair, b.name).getByRole('button', { name: `Điều hành Phòng họp ${names[1]}` }).click();
  await chair.getByRole('menuitem', { name: 'Mời ra khỏi cuộc họp' }).click();
  await chair.getByRole('button', { name: 'Mời ra', exact: true }).click();
  await expect(b.page.getByTestId('left-reason')).toHaveText('Chủ tọa đã mời bạn ra khỏi cuộc họp.');
  await expect(badge).toHaveText('Chưa đủ túc số: 1/3 (cần 2)');
  await b.page.getByRole('button', { name: 'Tham gia lại' }).click();
  await b.page.getByRole('button', { name: 'Tham gia', exact: true }).click();
  await expect(b.page.getByText('Bạn đã được mời ra khỏi cuộc họp này và không thể vào lại khi chưa được chủ tọa cho phép.')).toBeVisible();

  for (const p of [a.page, b.page, chair]) await p.context().close();
});
