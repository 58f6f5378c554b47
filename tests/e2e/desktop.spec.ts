/**
 * The renderer as the desktop app runs it, with a typed fake of the preload's API: the first-run
 * server address, and the session token kept in the OS secure storage rather than only in cookies.
 */
import { expect, test } from './support/test';
import { person, PASSWORD, TestApi } from '../support/api-client';
import { desktopCalls, useFakeDesktop } from './support/fake-desktop';

test('first run asks for the server address, checks it, and loads the server; login stores the token securely', async ({ page, baseURL }) => {
  const admin = await TestApi.admin(baseURL!);
  const delegate = await person(admin, 'delegate', 'Vũ Thị Hoa');
  await useFakeDesktop(page);
  await page.goto('/#/setup');
  await expect(page.getByRole('heading', { name: 'Kết nối máy chủ' })).toBeVisible();

  // A wrong address is refused with a clear message and nothing is remembered.
  await page.getByRole('textbox', { name: /^Địa chỉ máy chủ/ }).fill('http://127.0.0.1:9/');
  await page.getByRole('button', { name: 'Kết nối' }).click();
  await expect(page.getByRole('alert')).toHaveText('Không kết nối được tới máy chủ');

  // The right one: the desktop loads the server's client, which asks to log in.
  await page.getByRole('textbox', { name: /^Địa chỉ máy chủ/ }).fill(baseURL!);
  await page.getByRole('button', { name: 'Kết nối' }).click();
  await expect(page.getByRole('button', { name: 'Đăng nhập' })).toBeVisible();

  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(delegate.username);
  await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  // The refresh token went to the desktop's secure storage.
  expect((await desktopCalls(page)).some((c) => c.method === 'setSecret' && c.args[0] === 'refreshToken' && c.args[1] === '<secret>')).toBe(true);
});
