/**
 * The pre-join screen as a user meets it: camera preview, microphone level, device choice, who
 * they will appear as; Vietnamese by default with a switch to English; accessible names.
 */
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { logIn } from './support/conference';

test('pre-join shows the camera, the microphone level, the devices and the identity; language switches to English', async ({ browser, baseURL }) => {
  const admin = await TestApi.admin(baseURL!);
  const delegate = await person(admin, 'delegate', 'Phạm Thị Dung');
  const title = `Họp thử thiết bị ${Date.now()}`;
  await liveMeeting(admin, [delegate], title);
  const page = await logIn(browser, delegate.username, PASSWORD);
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await page.getByTestId('meetings-live').getByText(title).click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();

  // The preview plays the camera.
  const preview = page.getByLabel('Xem trước camera');
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  // The fake microphone beeps: the meter moves above zero at some point.
  const meter = page.getByRole('meter', { name: 'Mức âm thanh micrô' });
  await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 10_000, intervals: [50] }).toBeGreaterThan(0);
  // Devices are listed and chosen.
  await expect(page.getByRole('combobox', { name: 'Camera' })).not.toHaveValue('');
  await expect(page.getByRole('combobox', { name: 'Micrô' })).not.toHaveValue('');
  // Who they will appear as comes from the account.
  await expect(page.getByTestId('join-name')).toContainText('Phạm Thị Dung');
  await expect(page.getByTestId('join-meeting')).toContainText(title);

  // English, remembered across a reload.
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByRole('button', { name: 'Join' })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Microphone level' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Join' })).toBeVisible();
  await page.getByText('Tiếng Việt', { exact: true }).click();
  await expect(page.getByRole('button', { name: 'Tham gia' })).toBeVisible();
  await page.context().close();
});

test('every control in the room has an accessible name, in both languages', async ({ browser, baseURL }) => {
  const admin = await TestApi.admin(baseURL!);
  const delegate = await person(admin, 'delegate', 'Đỗ Văn Giang');
  const title = `Họp tiếp cận ${Date.now()}`;
  await liveMeeting(admin, [delegate], title);
  const page = await logIn(browser, delegate.username, PASSWORD);
  await page.getByTestId('meetings-live').getByText(title).click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await page.getByRole('button', { name: 'Tham gia' }).click();
  for (const name of ['Tắt micrô', 'Tắt camera', 'Rời phòng']) await expect(page.getByRole('button', { name })).toBeVisible();
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, [role="button"], input, select, [role="radio"]')]
      .filter((el) => {
        const label = el.getAttribute('aria-label') ?? el.getAttribute('aria-labelledby') ?? (el as HTMLElement).innerText?.trim() ?? '';
        const id = el.getAttribute('id');
        const hasLabelFor = id ? document.querySelector(`label[for="${id}"]`) !== null : false;
        return !label && !hasLabelFor && !el.closest('label');
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
  await page.getByRole('button', { name: 'Tắt camera' }).click();
  await expect(page.getByRole('button', { name: 'Bật camera' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByRole('button', { name: 'Turn camera on' })).toBeVisible();
  await page.getByRole('button', { name: 'Leave room' }).click();
  await page.getByTestId('leave-room-confirm').click();
  await expect(page.getByText('You left the room.')).toBeVisible();
  await page.context().close();
});
