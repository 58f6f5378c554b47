/**
 * Microphone discipline and hands in a large meeting (issue 15), in the real UI against the real
 * server and SFU: a meeting inviting 300 bridge points (large: 10 or more) is joined with the
 * microphone off by default, by the chair and by the Ba Chẽ point; the chair talks while Space is
 * held (the point sees the chair's tile unmuted, then muted again on release) and Space typed in a
 * text box does not; M toggles the microphone and ? opens the shortcut sheet; the point raises its hand and the chair sees it on the point's tile and in the
 * points list, whose search finds "Phòng họp Ba Chẽ" from "ba che" among 300 rows (virtualised: far
 * fewer rows in the page) and says when nothing matches; the chair gives the point the floor from
 * its row and the point is told.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { tile } from './support/conference';
import { enterRoom, logInPatiently } from './support/room-entry';

const POINTS = 300;
const OPERATOR = 'Vận hành điểm cầu Ba Chẽ';
const CHAIR = 'Chủ tọa Nguyễn Văn Chủ';


/** The pre-join screen of a large meeting: the switch is on by default and says why. */
async function expectMutedByDefault(page: Page): Promise<void> {
  const muted = page.getByRole('switch', { name: 'Vào phòng với micrô tắt' });
  await expect(muted).toBeChecked();
  await expect(page.getByText(`Cuộc họp lớn (${POINTS} điểm cầu; từ 10 điểm cầu trở lên)`, { exact: false })).toBeVisible();
}

test('large meeting: join muted, Space to talk, a raised hand on the tile and in the list, "ba che" finds Ba Chẽ', async ({ browser, baseURL }) => {
  // Two browsers on a shared 2-core machine: the runs here took 2.4–3.1 min at load ~20–40 and over 10 min at load ~60.
  test.setTimeout(900_000);
  const admin = await TestApi.admin(baseURL!);
  const stamp = Date.now();
  // 299 commune points in one unit, and the Ba Chẽ point with its operator.
  const province = await admin.ok('POST', '/api/units', { name: `Tỉnh thử ${stamp}`, level: 'province', parentId: null });
  const pointIds: string[] = [];
  for (let i = 1; i < POINTS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, POINTS - i) }, (_, k) => admin.ok('POST', '/api/bridge-points', { unitId: province.id, name: `Điểm cầu xã số ${i + k}`, headcount: 20 })),
    );
    pointIds.push(...batch.map((p) => p.id as string));
  }
  const baCheUnit = await admin.ok('POST', '/api/units', { name: `UBND huyện Ba Chẽ ${stamp}`, level: 'district', parentId: province.id });
  const baChe = await admin.ok('POST', '/api/bridge-points', { unitId: baCheUnit.id, name: 'Phòng họp Ba Chẽ', headcount: 30 });
  pointIds.push(baChe.id);
  expect(pointIds).toHaveLength(POINTS);
  const operator = { username: `operator.bache.${stamp}` };
  await admin.ok('POST', '/api/accounts', { username: operator.username, displayName: OPERATOR, role: 'operator', password: PASSWORD, bridgePointId: baChe.id });
  const chair = await person(admin, 'chair', CHAIR);
  const secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  const title = `Hội nghị trực tuyến 300 điểm cầu ${stamp}`;
  const start = new Date(Date.now() + 60_000);
  const meeting = await secretary.api.ok('POST', '/api/meetings', { title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { pointIds, delegateIds: [] });
  await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });

  // Both join muted: the switch's default in a large meeting.
  const c = await logInPatiently(browser, chair.username, PASSWORD);
  await enterRoom(c, title, expectMutedByDefault);
  await expect(c.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();
  const p = await logInPatiently(browser, operator.username, PASSWORD);
  await enterRoom(p, title, expectMutedByDefault);
  await expect(p.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();
  // The server has the point's microphone paused: the chair's tile of the point says muted.
  await expect(tile(c, OPERATOR).getByLabel('Đã tắt micrô')).toBeVisible({ timeout: 60_000 });
  await expect(tile(p, CHAIR).getByLabel('Đã tắt micrô')).toBeVisible({ timeout: 60_000 });

  // Space held: the chair talks (the point sees the chair unmuted); released: muted again.
  await c.getByRole('heading', { level: 1 }).first().click();
  await c.keyboard.down('Space');
  await expect(c.getByTestId('ptt-active')).toBeVisible();
  await expect(c.getByRole('button', { name: 'Tắt micrô' }).first()).toBeVisible();
  await expect(tile(p, CHAIR).getByLabel('Đã tắt micrô')).toHaveCount(0, { timeout: 30_000 });
  await c.keyboard.up('Space');
  await expect(c.getByTestId('ptt-active')).toHaveCount(0);
  await expect(c.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();
  await expect(tile(p, CHAIR).getByLabel('Đã tắt micrô')).toBeVisible({ timeout: 30_000 });
  // M toggles the microphone, ? opens the shortcut sheet.
  await c.keyboard.press('m');
  await expect(c.getByRole('button', { name: 'Tắt micrô' }).first()).toBeVisible();
  await c.keyboard.press('m');
  await expect(c.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();
  await c.keyboard.press('?');
  const sheet = c.getByRole('dialog', { name: 'Phím tắt trong phòng họp' });
  await expect(sheet.getByText('Bật/tắt micrô')).toBeVisible();
  await c.keyboard.press('Escape');
  await expect(sheet).toBeHidden();

  // The point raises its hand: on its tile and in the chair's points list.
  await p.getByRole('button', { name: 'Phát biểu' }).first().click();
  await p.getByTestId('panel-floor').getByRole('button', { name: 'Đăng ký phát biểu' }).click();
  const hand = tile(c, OPERATOR).getByTestId('raised-hand');
  await expect(hand).toBeVisible({ timeout: 30_000 });
  await expect(hand).toHaveAttribute('aria-label', 'Xin phát biểu (thứ 1)');

  await c.getByTestId('panel-button-points').click();
  const panel = c.getByTestId('panel-points');
  await expect(panel.getByTestId('points-connected')).toHaveText(`1/${POINTS} đã kết nối`, { timeout: 30_000 });
  // 300 points, only the rows in view are in the page.
  const rows = panel.getByTestId('point-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);
  // Typing a space in the search box does not talk.
  const search = panel.getByRole('textbox', { name: 'Tìm điểm cầu' });
  await search.fill('');
  await search.pressSequentially('ba che');
  await expect(c.getByTestId('ptt-active')).toHaveCount(0);
  await expect(c.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId('point-name')).toHaveText('Phòng họp Ba Chẽ');
  await expect(rows.getByTestId('raised-hand')).toBeVisible();
  await search.fill('xa khong co');
  await expect(panel.getByTestId('points-no-match')).toHaveText('Không có điểm cầu nào khớp “xa khong co”.');
  await expect(rows).toHaveCount(0);
  await search.fill('BA CHẼ');
  await expect(rows).toHaveCount(1);

  // The chair gives the floor from the row; the point is told and its microphone is on.
  await rows.getByTestId('point-actions').click();
  await c.getByRole('menuitem', { name: 'Mời phát biểu' }).click();
  await expect(p.getByText('Chủ tọa đã mời bạn phát biểu; micrô của bạn đã được bật.')).toBeVisible({ timeout: 30_000 });
  await expect(p.getByRole('button', { name: 'Tắt micrô' }).first()).toBeVisible();
  await expect(hand).toHaveCount(0);
});
