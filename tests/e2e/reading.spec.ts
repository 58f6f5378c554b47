/**
 * Reading a document as a board-portal reader expects: the PDF's outline (table of contents) and
 * its internal links go to their pages (pdf.js's link service); search ignores diacritics and case
 * ("quang ninh" finds "Quảng Ninh", "dieu hanh" finds "điều hành") unless asked to match them;
 * bookmarks per document; Ctrl + wheel zooms the document with the annotation overlay staying on
 * the page; and the document reopens at the page left.
 */
import { expect as baseExpect, type Page } from '@playwright/test';
import { test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeOutlinedPdf } from '../support/pdf-samples';
import { openDocument } from './support/annotations';
import { logIn } from './support/conference';

test.use({ actionTimeout: 30_000 });
const expect = baseExpect.configure({ timeout: 30_000 });

const pageShown = (page: Page) => page.getByTestId('viewer-current-page');

test('outline entries and internal links go to their pages; search ignores diacritics; bookmarks, Ctrl+wheel zoom and the page left are kept', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const admin = await TestApi.admin(baseURL!);
  const chair = await person(admin, 'chair', `Chủ tọa Đọc ${tag}`);
  const sec = await person(admin, 'secretary', `Thư ký Đọc ${tag}`);
  const del = await person(admin, 'delegate', `Đại biểu Đọc ${tag}`);
  const start = new Date(Date.now() + 86_400_000);
  const meeting = await sec.api.ok('POST', '/api/meetings', { title: `Họp đọc tài liệu ${tag}`, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: sec.id });
  const withAgenda = await sec.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo', durationMinutes: 30 }] });
  await sec.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [del.id] });
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  const title = `Báo cáo có mục lục ${tag}`;
  const up = await uploadFile(sec.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeOutlinedPdf(title), `${title}.pdf`);
  expect(up.status).toBe(201);
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);

  const page = await logIn(browser, del.username, PASSWORD);
  await openDocument(page, meeting.id, title);
  await expect(pageShown(page)).toHaveText('Trang 1 / 5');

  // The outline: chapter 3 is on page 4, the nested "Mục 2.1" under chapter 2 on page 3.
  await page.getByTestId('viewer-sidebar-toggle').click();
  await page.getByTestId('viewer-sidebar-view').getByText('Mục lục').click();
  const outline = page.getByTestId('viewer-outline');
  await expect(outline.getByTestId('outline-entry')).toHaveCount(5);
  await outline.getByTestId('outline-entry').filter({ hasText: 'Chương 3. Phương án điều hành' }).click();
  await expect(pageShown(page)).toHaveText('Trang 4 / 5');
  await expect(page.getByTestId('pdf-page-4')).toHaveAttribute('data-rendered', 'true');
  await outline.getByTestId('outline-entry').filter({ hasText: 'Mục 2.1' }).click();
  await expect(pageShown(page)).toHaveText('Trang 3 / 5');
  await outline.getByTestId('outline-entry').filter({ hasText: 'Chương 1.' }).click();
  await expect(pageShown(page)).toHaveText('Trang 2 / 5');

  // An internal link on the contents page (page 1): "Chương 4" goes to page 5.
  await page.getByTestId('viewer-page-input').fill('1');
  await page.getByTestId('viewer-page-input').press('Enter');
  await expect(pageShown(page)).toHaveText('Trang 1 / 5');
  const links = page.getByTestId('pdf-page-1').locator('.annotationLayer .linkAnnotation a');
  await expect(links.first()).toBeAttached();
  const chapter4 = page.getByTestId('pdf-page-1').locator('.textLayer span', { hasText: 'Kiến nghị' }).first();
  const box = (await chapter4.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(pageShown(page)).toHaveText('Trang 5 / 5');
  // A link is not a navigation of the app (its hash routes stay where they were).
  expect(new URL(page.url()).hash).toBe(`#/meetings/${meeting.id}`);

  // Search without diacritics and in another case: "quang ninh" finds "Quảng Ninh" on every chapter page.
  const search = page.getByTestId('viewer-search');
  await search.fill('quang ninh');
  await search.press('Enter');
  await expect(page.getByTestId('viewer-search-count')).toHaveText(/^\d+ \/ 4$/);
  await expect(page.locator('.textLayer .highlight.selected').first()).toContainText(/Quảng/);
  // "đ" typed as "d".
  await search.fill('DIEU HANH NGAN SACH');
  await search.press('Enter');
  await expect(page.getByTestId('viewer-search-count')).toHaveText('1 / 1');
  await expect(pageShown(page)).toHaveText('Trang 4 / 5');
  await expect(page.getByTestId('pdf-page-4').locator('.textLayer .highlight.selected').first()).toContainText(/điều/);
  // Asked to match diacritics, the unmarked words are not found.
  await page.getByTestId('viewer-match-diacritics').check();
  await search.press('Enter');
  await expect(page.getByTestId('viewer-search-count')).toHaveText('Không tìm thấy');
  await search.fill('điều hành ngân sách');
  await search.press('Enter');
  await expect(page.getByTestId('viewer-search-count')).toHaveText('1 / 1');

  // A bookmark on page 4, listed in the side column.
  await page.getByTestId('viewer-bookmark').click();
  await expect(page.getByTestId('viewer-bookmark')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('viewer-sidebar-view').getByText('Đánh dấu').click();
  await expect(page.getByTestId('viewer-bookmarks').getByTestId('bookmark-entry')).toHaveText(['Đến trang 4']);

  // Ctrl + wheel zooms the document (not the browser's page); the annotation overlay keeps the page's size.
  const zoom = Number((await page.getByTestId('viewer-zoom').textContent())!.replace('%', ''));
  const scroller = (await page.getByTestId('viewer-scroller').boundingBox())!;
  await page.mouse.move(scroller.x + scroller.width / 2, scroller.y + scroller.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await expect.poll(async () => Number((await page.getByTestId('viewer-zoom').textContent())!.replace('%', ''))).toBeGreaterThan(zoom * 1.3);
  await expect(pageShown(page)).toHaveText('Trang 4 / 5');
  const page4 = page.getByTestId('pdf-page-4');
  await expect(page4).toHaveAttribute('data-rendered', 'true');
  await expect
    .poll(async () => {
      const a = (await page4.boundingBox())!;
      const b = (await page4.getByTestId('annotation-layer').boundingBox())!;
      return [Math.round(b.x - a.x), Math.round(b.y - a.y), Math.round(b.width - a.width), Math.round(b.height - a.height)];
    })
    .toEqual([0, 0, 0, 0]);
  expect(await page.evaluate(() => window.visualViewport?.scale ?? 1)).toBe(1);

  // Closed and opened again: at the page left, with its bookmark.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pdf-viewer')).toHaveCount(0);
  await page.getByTestId('pack-section').getByTestId('document-row').filter({ hasText: title }).getByTestId('open-document').click();
  await expect(pageShown(page)).toHaveText('Trang 4 / 5');
  await expect(page.getByTestId('viewer-bookmark')).toHaveAttribute('aria-pressed', 'true');
});
