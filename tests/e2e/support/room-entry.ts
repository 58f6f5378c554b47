/**
 * Logging in and entering a live meeting's room from "my meetings", with the patience a shared,
 * loaded machine needs (support/conference.ts does the same with the default timeouts). Shared by
 * the specs that run two browsers in one room (ballot-safety, mic-and-hands).
 */
import type { Browser, Page } from '@playwright/test';
import { expect } from './test';

export async function logInPatiently(browser: Browser, username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible({ timeout: 60_000 });
  return page;
}

/**
 * From "my meetings": the live meeting `title`, its pre-join screen (`beforeJoin` checks or sets
 * what is there), "Tham gia", then the camera off (two browsers on a shared machine: no camera to
 * encode).
 */
export async function enterRoom(page: Page, title: string, beforeJoin?: (page: Page) => Promise<void>): Promise<void> {
  await page.getByTestId('meetings-live').getByText(title).first().click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await expect(page.getByLabel('Xem trước camera')).toBeVisible({ timeout: 60_000 });
  await beforeJoin?.(page);
  await page.getByRole('button', { name: 'Tham gia', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Rời phòng' }).first()).toBeVisible({ timeout: 150_000 });
  await page.getByRole('button', { name: 'Tắt camera' }).first().click();
}
