/** Joining a live meeting through the web client as a user does, for tests and benchmarks that start their own browsers. */
import type { Page } from '@playwright/test';
import { PASSWORD } from './api-client';

/** Milliseconds from opening the app to each step on the way in (those it went through). */
export interface JoinSteps {
  /** The login page (or, when still signed in, "my meetings") is on screen. */
  firstScreen?: number;
  /** "Cuộc họp của tôi" is on screen. */
  meetings?: number;
  /** The pre-join screen's "Tham gia" button is on screen. */
  prejoin?: number;
}

/**
 * Opens the app at its start, signs in if it asks, opens the meeting's pre-join screen and joins
 * as soon as it can. Returns the milliseconds from opening the app to being in the room; `steps`,
 * when given, gets the times of the steps before.
 * `entry` is the page the client is served from (another build may sit beside the current one).
 */
export async function openAppAndJoin(page: Page, url: string, meetingId: string, username: string, timeout = 120_000, entry = '/', steps: JoinSteps = {}): Promise<number> {
  const started = Date.now();
  await page.goto(`${url}${entry}`, { timeout });
  const login = page.getByRole('textbox', { name: /^Tên đăng nhập/ });
  const meetings = page.getByRole('heading', { name: 'Cuộc họp của tôi' });
  await login.or(meetings).first().waitFor({ timeout });
  steps.firstScreen = Date.now() - started;
  if (await login.isVisible()) {
    await login.fill(username);
    await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await meetings.waitFor({ timeout });
  }
  steps.meetings = Date.now() - started;
  await page.goto(`${url}${entry}#/meetings/${encodeURIComponent(meetingId)}/join`, { timeout });
  const join = page.getByRole('button', { name: 'Tham gia' });
  await join.waitFor({ timeout });
  steps.prejoin = Date.now() - started;
  await page.waitForFunction((button) => button instanceof HTMLButtonElement && !button.disabled, await join.elementHandle(), { timeout });
  await join.click();
  const leave = page.getByRole('button', { name: 'Rời phòng' });
  await leave.or(page.getByRole('alert')).first().waitFor({ timeout });
  if (!(await leave.isVisible())) throw new Error(`join failed: ${await page.getByRole('alert').first().innerText()}`);
  return Date.now() - started;
}
