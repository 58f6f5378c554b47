/**
 * The pre-join screen as a user meets it: camera preview, microphone level, device choice,
 * required fields, Vietnamese by default with a switch to English, and accessible names.
 */
import { expect, test } from '@playwright/test';

test('pre-join shows the camera, the microphone level and the devices; language switches to English', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Tham gia phòng họp' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');

  // The preview plays the camera.
  const preview = page.getByLabel('Xem trước camera');
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);

  // The fake microphone beeps: the meter moves above zero at some point.
  const meter = page.getByRole('meter', { name: 'Mức âm thanh micrô' });
  await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 10_000, intervals: [50] }).toBeGreaterThan(0);

  // Devices are listed and chosen.
  await expect(page.getByRole('combobox', { name: 'Camera' })).not.toHaveValue('');
  await expect(page.getByRole('combobox', { name: 'Micrô' })).not.toHaveValue('');

  // Required fields are checked before anything is sent.
  await page.getByRole('button', { name: 'Tham gia' }).click();
  await expect(page.getByRole('alert')).toHaveText('Vui lòng nhập Họ và tên');

  // English.
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Join a meeting room' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Join' })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Microphone level' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Join a meeting room' })).toBeVisible();
  await page.getByText('Tiếng Việt', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Tham gia phòng họp' })).toBeVisible();
});

test('every control in the room has an accessible name, in both languages', async ({ page }) => {
  await page.goto('/?room=phong-tiep-can');
  await page.getByRole('textbox', { name: /^Họ và tên/ }).fill('Phạm Thị Dung');
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
  await expect(page.getByRole('button', { name: 'Leave room' })).toBeVisible();
  await page.getByRole('button', { name: 'Leave room' }).click();
  await expect(page.getByText('You left the room.')).toBeVisible();
});
