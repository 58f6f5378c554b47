/**
 * Three bridge points join one room through the UI, each sees and hears the other two; one mutes
 * and the others stop receiving its audio; one leaves and the others see it go.
 */
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { audioBytesReceived, expectGrowing, framesDecoded, openJoinedClient, tile } from './support/conference';

test('three bridge points see and hear each other; mute and leave are seen by the others', async ({ browser, baseURL }) => {
  // Three Chromiums on 2 cores: CI took 3.2 min while other tests loaded the machine (the
  // default is 3); a budget, not a retry.
  test.setTimeout(360_000);
  const admin = await TestApi.admin(baseURL!);
  const points = [
    { name: 'Nguyễn Văn An', point: 'Phòng họp Nguyễn Văn An' },
    { name: 'Trần Thị Bình', point: 'Phòng họp Trần Thị Bình' },
    { name: 'Lê Văn Cường', point: 'Phòng họp Lê Văn Cường' },
  ];
  const accounts: Awaited<ReturnType<typeof person>>[] = [];
  for (const p of points) accounts.push(await person(admin, 'operator', p.name));
  const title = `Giao ban trực tuyến ${Date.now()}`;
  await liveMeeting(admin, accounts, title);
  const join = (i: number) => openJoinedClient(browser, { username: accounts[i]!.username, password: PASSWORD, name: points[i]!.name, point: points[i]!.point, title });
  const a = await join(0);
  const b = await join(1);
  const c = await join(2);
  const everyone = [a, b, c];

  // Each sees the two others, labelled with name and bridge point.
  for (const me of everyone) {
    await expect(me.page.getByTestId('participant-tile')).toHaveCount(2);
    for (const other of everyone.filter((x) => x !== me)) {
      await expect(tile(me.page, other.name).getByTestId('tile-point')).toHaveText(other.point);
      // The bridge point's unit, level and headcount, from the directory.
      await expect(tile(me.page, other.name).getByTestId('tile-unit')).toHaveText(`UBND xã ${other.name} · Xã · 25 người`);
    }
    await expect(me.page.getByTestId('participant-count')).toHaveText('3 điểm cầu');
  }

  // Each decodes the other two videos (frames rising) and receives their audio (bytes rising).
  for (const me of everyone) {
    for (const other of everyone.filter((x) => x !== me)) {
      await expectGrowing(() => framesDecoded(me.page, other.name), `${me.name} decodes ${other.name}'s video`);
      await expectGrowing(() => audioBytesReceived(me.page, other.name), `${me.name} receives ${other.name}'s audio`);
    }
  }

  // The connection panel of a tile shows real figures.
  await tile(a.page, b.name).getByRole('button', { name: `Thông số kết nối của ${b.name}` }).click();
  const panel = a.page.getByRole('table', { name: 'Thông số kết nối' });
  await expect(panel).toBeVisible();
  await expect(panel.locator('[data-stat="Độ phân giải"]')).toHaveText(/\d+×\d+/);
  await expect(panel.locator('[data-stat="Tốc độ khung hình"]')).toHaveText(/\d+ fps/);
  await expect(panel.locator('[data-stat="Tốc độ bit"]')).toHaveText(/\d+ kbit\/s/);
  await expect(panel.locator('[data-stat="Mất gói"]')).toHaveText(/\d+\.\d %/);
  await expect(panel.locator('[data-stat="Độ trễ khứ hồi"]')).toHaveText(/\d+ ms/);

  // C mutes: A and B see the muted badge, and C's audio stops reaching them.
  await c.page.getByRole('button', { name: 'Tắt micrô' }).click();
  await expect(c.page.getByRole('button', { name: 'Bật micrô' })).toHaveAttribute('aria-pressed', 'true');
  for (const me of [a, b]) {
    await expect(tile(me.page, c.name).getByLabel('Đã tắt micrô')).toBeVisible();
  }
  await a.page.waitForTimeout(1500);
  const before = await Promise.all([audioBytesReceived(a.page, c.name), audioBytesReceived(b.page, c.name)]);
  await a.page.waitForTimeout(2000);
  const after = await Promise.all([audioBytesReceived(a.page, c.name), audioBytesReceived(b.page, c.name)]);
  expect(after).toEqual(before);
  // B's audio still flows to A meanwhile.
  await expectGrowing(() => audioBytesReceived(a.page, b.name), 'A still receives B');

  // C leaves: A and B see it go.
  await c.page.getByRole('button', { name: 'Rời phòng' }).click();
  await c.page.getByTestId('leave-room-confirm').click();
  await expect(c.page.getByText('Bạn đã rời phòng.')).toBeVisible();
  for (const me of [a, b]) {
    await expect(tile(me.page, c.name)).toHaveCount(0);
    await expect(me.page.getByTestId('participant-tile')).toHaveCount(1);
  }

  // B's app is killed with no goodbye: A sees it disappear within the heartbeat (10 s in e2e) and a margin.
  await b.page.context().close();
  await expect(a.page.getByTestId('participant-tile')).toHaveCount(0, { timeout: 25_000 });
  await expect(a.page.getByText('Chưa có điểm cầu nào khác trong phòng. Đang chờ…')).toBeVisible();

  await a.page.context().close();
  await c.page.context().close();
});
