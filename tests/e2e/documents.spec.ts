/**
 * The paperless meeting pack with three real clients in a live meeting: the chair and a delegate
 * are in the room before anything is published; the secretary drops PDFs on an agenda item (a PNG
 * named .pdf is refused with its reason), publishes the pack, and the room's "Tài liệu" panel of
 * the others fills at once; all three open the document; the chair presents and turns pages and
 * the followers' viewers follow; the delegate browses away and comes back to the presenter's page;
 * a Vietnamese search finds and highlights "Quảng Ninh", typed with or without its diacritics; with no network, the
 * document opened before is read from the device.
 */
import { expect as baseExpect, type Page } from '@playwright/test';
import { test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { makeVietnamesePdf, PNG_1X1, sharedSample } from '../support/pdf-samples';
import { logIn } from './support/conference';

// The machine running these is shared and busy: generous steps, the scenario still fails when a step cannot happen.
test.use({ actionTimeout: 45_000 });
const expect = baseExpect.configure({ timeout: 60_000 });

const pageShown = (page: Page) => page.getByTestId('room-document-viewer').getByTestId('viewer-current-page');

/** Joins from "my meetings" (a long wait: several browsers share a busy machine), then turns the camera off to spare the CPU. */
async function join(page: Page, title: string): Promise<void> {
  await page.getByTestId('meetings-live').getByText(title).first().click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await expect(page.getByLabel('Xem trước camera')).toBeVisible();
  // One click: a join that fails fails the test (the false heartbeat drop that made joins fail on
  // a busy machine is fixed: tests/integration/signaling-busy-server.test.ts).
  await page.getByRole('button', { name: 'Tham gia' }).click();
  await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Tắt camera' }).click();
}

async function openPanel(page: Page): Promise<void> {
  await page.getByTestId('panel-button-documents').click();
  await expect(page.getByTestId('panel-documents')).toBeVisible();
}

test('upload → publish → everyone opens it; the presenter turns pages and the others follow; Vietnamese search', async ({ browser, baseURL }) => {
  test.setTimeout(480_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const admin = await TestApi.admin(baseURL!);
  const chair = await person(admin, 'chair', `Chủ tọa Nguyễn Văn Chính ${tag}`);
  const secretary = await person(admin, 'secretary', `Thư ký Trần Thị Thảo ${tag}`);
  const delegate = await person(admin, 'delegate', `Đại biểu Lê Minh Đức ${tag}`);
  const title = `Họp UBND tỉnh Quảng Ninh ${tag}`;
  const start = new Date(Date.now() + 60_000);
  const meeting = await secretary.api.ok('POST', '/api/meetings', { title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo tình hình kinh tế – xã hội', durationMinutes: 30 }] });
  await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [delegate.id] });
  await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });

  // Everyone signs in first (page loads are slow once browsers encode video on a busy machine).
  const sec = await logIn(browser, secretary.username, PASSWORD);
  const chairPage = await logIn(browser, chair.username, PASSWORD);
  const delegatePage = await logIn(browser, delegate.username, PASSWORD);

  // The chair and the delegate are in the room; the pack is not published yet.
  await join(chairPage, title);
  await join(delegatePage, title);
  await openPanel(delegatePage);
  await expect(delegatePage.getByTestId('pack-not-published')).toBeVisible();

  // The secretary uploads on the meeting page: two PDFs at once, and a PNG renamed .pdf.
  await sec.goto(`/#/meetings/${meeting.id}`);
  const section = sec.getByTestId('pack-section');
  await expect(section.getByTestId('pack-status')).toHaveText('Chưa phát hành');
  const pdf = await makeVietnamesePdf({ pages: 6, title: 'Báo cáo KT-XH' });
  const second = sharedSample('tong-hop.pdf') ?? (await makeVietnamesePdf({ pages: 2, title: 'Phụ lục' }));
  const zone = section.getByTestId('upload-zone').locator('input[type=file]');
  await zone.setInputFiles([
    { name: 'Báo cáo KT-XH.pdf', mimeType: 'application/pdf', buffer: pdf },
    { name: 'Phụ lục.pdf', mimeType: 'application/pdf', buffer: second },
  ]);
  await expect(section.getByTestId('document-row')).toHaveCount(2, { timeout: 60_000 });
  await zone.setInputFiles([{ name: 'anh-chup.pdf', mimeType: 'application/pdf', buffer: PNG_1X1 }]);
  const refused = section.getByTestId('upload-row').filter({ hasText: 'anh-chup.pdf' });
  await expect(refused).toHaveAttribute('data-state', 'failed');
  await expect(refused).toContainText('không phải là PDF');
  await expect(section.getByTestId('document-row')).toHaveCount(2);
  // The hash is shown for the reader to check.
  await expect(section.getByTestId('document-row').filter({ hasText: 'Báo cáo KT-XH' })).toContainText('SHA-256:');

  // Publish: the delegate's panel in the room fills without reloading.
  await section.getByTestId('publish-pack').click();
  await expect(section.getByTestId('pack-status')).toContainText('Đã phát hành');
  const delegatePanel = delegatePage.getByTestId('panel-documents');
  await expect(delegatePanel.getByTestId('document-row')).toHaveCount(2, { timeout: 15_000 });

  // The secretary joins too; all three open the document.
  await sec.goto('/#/meetings');
  await join(sec, title);
  for (const page of [sec, chairPage, delegatePage]) {
    if (page !== delegatePage) await openPanel(page);
    await page.getByTestId('panel-documents').getByTestId('document-row').filter({ hasText: 'Báo cáo KT-XH' }).getByTestId('open-document').click();
    const viewer = page.getByTestId('room-document-viewer');
    await expect(viewer.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(pageShown(page)).toHaveText('Trang 1 / 6');
  }

  // The chair presents and turns to page 3: the secretary and the delegate follow.
  await chairPage.getByTestId('room-document-viewer').getByTestId('viewer-present').click();
  await expect(chairPage.getByTestId('viewer-banner')).toContainText('Bạn đang trình bày');
  await expect(delegatePage.getByTestId('viewer-banner')).toContainText('Đang theo dõi');
  const next = chairPage.getByTestId('room-document-viewer').getByTestId('viewer-next');
  await next.click();
  await expect(pageShown(chairPage)).toHaveText('Trang 2 / 6');
  await next.click();
  await expect(pageShown(chairPage)).toHaveText('Trang 3 / 6');
  await expect(pageShown(delegatePage)).toHaveText('Trang 3 / 6');
  await expect(pageShown(sec)).toHaveText('Trang 3 / 6');
  await expect(delegatePage.getByTestId('room-document-viewer').getByTestId('pdf-page-3')).toHaveAttribute('data-rendered', 'true');

  // The delegate browses away: the viewer says so; the presenter goes on; "back" returns to the presenter's page.
  const dv = delegatePage.getByTestId('room-document-viewer');
  await dv.getByTestId('viewer-page-input').fill('6');
  await dv.getByTestId('viewer-page-input').press('Enter');
  await expect(pageShown(delegatePage)).toHaveText('Trang 6 / 6');
  await expect(delegatePage.getByTestId('viewer-banner')).toContainText('Bạn đang xem tự do');
  await next.click();
  await expect(pageShown(sec)).toHaveText('Trang 4 / 6');
  await expect(pageShown(delegatePage)).toHaveText('Trang 6 / 6');
  await delegatePage.getByTestId('back-to-presenter').click();
  await expect(pageShown(delegatePage)).toHaveText('Trang 4 / 6');
  await expect(delegatePage.getByTestId('viewer-banner')).toContainText('Đang theo dõi');

  // Vietnamese search with diacritics, on the secretary's screen (not following any more once she searches).
  const sv = sec.getByTestId('room-document-viewer');
  // In the room the viewer is narrow: its search sits behind the toolbar's search button then.
  const searchToggle = sv.getByTestId('viewer-search-toggle');
  if (await searchToggle.isVisible()) await searchToggle.click();
  await sv.getByTestId('viewer-search').fill('quảng ninh');
  await sv.getByTestId('viewer-search').press('Enter');
  // pdf.js's find controller starts at the page shown (4), so the first match selected is not 1 of 6.
  await expect(sv.getByTestId('viewer-search-count')).toHaveText(/^[1-6] \/ 6$/);
  await expect(sv.locator('.textLayer .highlight.selected').first()).toContainText(/Quảng/i);
  // Typed without its diacritics it is found too (pdf.js's find controller ignores them), unless asked to match them.
  await sv.getByTestId('viewer-search').fill('Quang Ninh');
  await sv.getByTestId('viewer-search').press('Enter');
  await expect(sv.getByTestId('viewer-search-count')).toHaveText(/^[1-6] \/ 6$/);
  await sv.getByTestId('viewer-match-diacritics').check();
  await sv.getByTestId('viewer-search').press('Enter');
  await expect(sv.getByTestId('viewer-search-count')).toHaveText('Không tìm thấy');

  // The chair stops; the followers keep the document open.
  await chairPage.getByTestId('viewer-banner').getByRole('button', { name: 'Dừng trình bày' }).click();
  await expect(delegatePage.getByTestId('viewer-banner')).toHaveCount(0);
  await expect(pageShown(delegatePage)).toHaveText('Trang 4 / 6');

  // Offline: the delegate loses the network; the document opened before is read from the device.
  await delegatePage.context().setOffline(true);
  await delegatePage.getByTestId('viewer-close').click();
  await expect(delegatePage.getByTestId('room-document-viewer')).toHaveCount(0);
  await delegatePanel.getByTestId('document-row').filter({ hasText: 'Báo cáo KT-XH' }).getByTestId('open-document').click();
  const offlineViewer = delegatePage.getByTestId('room-document-viewer');
  await expect(offlineViewer.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  await expect(offlineViewer.getByText('Bản lưu trên máy')).toBeVisible();
  await delegatePage.context().setOffline(false);
});
