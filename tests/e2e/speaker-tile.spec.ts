/**
 * The speaker stays in view while a document is open in the room: the delegate opens a document
 * over the video grid; the chair (the only microphone on) is shown in a small tile over the viewer,
 * which the delegate drags elsewhere and tucks away.
 */
import { expect as baseExpect, type Page } from '@playwright/test';
import { test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { logIn } from './support/conference';

test.use({ actionTimeout: 45_000 });
const expect = baseExpect.configure({ timeout: 60_000 });

/** Joins from "my meetings" (a long wait: several browsers share a busy machine). */
async function join(page: Page, title: string): Promise<void> {
  await page.getByTestId('meetings-live').getByText(title).first().click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await expect(page.getByLabel('Xem trước camera')).toBeVisible();
  await page.getByRole('button', { name: 'Tham gia' }).click();
  await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 120_000 });
}

test('while a document is open, the active speaker is shown in a movable tile over it', async ({ browser, baseURL }) => {
  test.setTimeout(360_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const admin = await TestApi.admin(baseURL!);
  const chairName = `Chủ tọa Phát Biểu ${tag}`;
  const chair = await person(admin, 'chair', chairName);
  const sec = await person(admin, 'secretary', `Thư ký Ô Nói ${tag}`);
  const del = await person(admin, 'delegate', `Đại biểu Ô Nói ${tag}`);
  const title = `Họp giữ người nói ${tag}`;
  const start = new Date(Date.now() + 60_000);
  const meeting = await sec.api.ok('POST', '/api/meetings', { title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: sec.id });
  const withAgenda = await sec.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo', durationMinutes: 30 }] });
  await sec.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [del.id] });
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  const up = await uploadFile(sec.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeVietnamesePdf({ pages: 2, title: 'Báo cáo' }), 'Báo cáo.pdf');
  expect(up.status).toBe(201);
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });

  const chairPage = await logIn(browser, chair.username, PASSWORD);
  const delPage = await logIn(browser, del.username, PASSWORD);
  await join(chairPage, title);
  await join(delPage, title);
  // Only the chair's microphone is on.
  if (await delPage.getByRole('button', { name: 'Tắt micrô' }).isVisible()) await delPage.getByRole('button', { name: 'Tắt micrô' }).click();
  await expect(delPage.getByRole('button', { name: 'Bật micrô' })).toBeVisible();

  await delPage.getByTestId('panel-button-documents').click();
  await delPage.getByTestId('panel-documents').getByTestId('document-row').first().getByTestId('open-document').click();
  const viewer = delPage.getByTestId('room-document-viewer');
  await expect(viewer.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true');
  const speaker = viewer.getByTestId('speaker-tile');
  await expect(speaker.getByTestId('speaker-tile-name')).toHaveText(chairName);
  await expect(speaker.locator('video')).toBeAttached();

  // Dragged up and to the left, it stays where it was dropped, inside the viewer.
  const before = (await speaker.boundingBox())!;
  await delPage.mouse.move(before.x + 40, before.y + 30);
  await delPage.mouse.down();
  await delPage.mouse.move(before.x - 160, before.y - 170, { steps: 8 });
  await delPage.mouse.up();
  const after = (await speaker.boundingBox())!;
  expect(Math.round(before.x - after.x)).toBe(200);
  expect(Math.round(before.y - after.y)).toBe(200);
  // Tucked away to its name only, and back.
  await speaker.getByTestId('speaker-tile-tuck').click();
  await expect(speaker.locator('video')).toHaveCount(0);
  await expect(speaker.getByTestId('speaker-tile-name')).toHaveText(chairName);
  await speaker.getByTestId('speaker-tile-tuck').click();
  await expect(speaker.locator('video')).toBeAttached();
});
