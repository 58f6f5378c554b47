/**
 * The server restarts in the middle of a call (an operator's SIGTERM, then the service starts
 * again): both bridge points show "Đang kết nối lại…", and once the server is back they are in the
 * room again by themselves, as the same people, seeing and hearing each other, without a click.
 * Runs against a server of its own (tests/e2e/support/own-server.ts) so it can restart it.
 */
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { audioBytesReceived, expectGrowing, framesDecoded, joinLiveMeeting, logIn, tile } from './support/conference';
import { useOwnServer } from './support/own-server';

const server = useOwnServer();

test('a server restart mid-call: both points come back by themselves, same identity, media flowing', async ({ browser }) => {
  test.setTimeout(420_000);
  const admin = await TestApi.admin(server.url);
  const names = ['Vũ Văn Khởi', 'Hoàng Thị Động'];
  const accounts = [await person(admin, 'operator', names[0]!), await person(admin, 'operator', names[1]!)];
  const title = `Khởi động lại máy chủ ${Date.now()}`;
  await liveMeeting(admin, accounts, title);

  const pages = [];
  for (const account of accounts) {
    const page = await logIn(browser, account.username, PASSWORD, { baseURL: server.url });
    await joinLiveMeeting(page, title);
    pages.push(page);
  }
  const [a, b] = pages as [(typeof pages)[0], (typeof pages)[0]];
  await expectGrowing(() => framesDecoded(a, names[1]!), 'A sees B before the restart');
  await expectGrowing(() => framesDecoded(b, names[0]!), 'B sees A before the restart');

  await server.stop();
  for (const page of [a, b]) await expect(page.getByRole('status').filter({ hasText: 'Đang kết nối lại' })).toBeVisible({ timeout: 15_000 });
  await server.start();
  const backAt = Date.now();
  for (const page of [a, b]) {
    await expect(page.getByRole('status').filter({ hasText: 'Đang kết nối lại' })).toBeHidden({ timeout: 60_000 });
    await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible();
    await expect(page.getByTestId('participant-count')).toHaveText('2 điểm cầu', { timeout: 30_000 });
  }
  // The same people, once each, with their bridge points; pictures and sound flow both ways.
  await expect(tile(a, names[1]!)).toHaveCount(1);
  await expect(tile(a, names[1]!).getByTestId('tile-point')).toHaveText(`Phòng họp ${names[1]}`);
  await expect(tile(b, names[0]!).getByTestId('tile-point')).toHaveText(`Phòng họp ${names[0]}`);
  await expectGrowing(() => framesDecoded(a, names[1]!).catch(() => 0), 'A sees B after the restart');
  await expectGrowing(() => framesDecoded(b, names[0]!).catch(() => 0), 'B sees A after the restart');
  await expectGrowing(() => audioBytesReceived(a, names[1]!), 'A hears B after the restart');
  await expectGrowing(() => audioBytesReceived(b, names[0]!), 'B hears A after the restart');
  console.log(`server restart: both back with media ${Date.now() - backAt} ms after the server was up`);
});
