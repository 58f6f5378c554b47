/**
 * Tablets and phones: at a PC's 1366×768, a 10-inch tablet's 1024×768 (touch) and a phone's 390×844
 * (touch), the reader, the room and the ballot fit: no toolbar wraps onto a second row and the page
 * never scrolls sideways. A screenshot of each screen at each size is kept with the results.
 */
import type { BrowserContextOptions, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { TestSignalingClient } from '../support/signaling-test-client';
import { logIn } from './support/conference';
import { attachScreenshot, fitReport } from './support/fit';

const VIEWPORTS: { name: string; options: BrowserContextOptions }[] = [
  { name: 'desktop', options: { viewport: { width: 1366, height: 768 } } },
  { name: 'tablet', options: { viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } },
];

test.use({ actionTimeout: 45_000 });

async function expectFits(page: Page, what: string) {
  const report = await fitReport(page);
  expect(report.toolbars, `${what}: a toolbar is on screen`).toBeGreaterThan(0);
  expect(report.wrappedToolbars, `${what}: toolbars on one row`).toEqual([]);
  expect(report.horizontalOverflow, `${what}: no horizontal scroll`).toBeLessThanOrEqual(0);
}

for (const { name, options } of VIEWPORTS) {
  test(`${name} ${options.viewport!.width}×${options.viewport!.height}: the reader, the room and the ballot fit without wrapped toolbars or sideways scrolling`, async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(420_000);
    const tag = `${name}-${Date.now().toString(36)}`;
    const admin = await TestApi.admin(baseURL!);
    const chair = await person(admin, 'chair', `Chủ tọa Nguyễn Văn Chính ${tag}`);
    const secretary = await person(admin, 'secretary', `Thư ký Trần Thị Thảo ${tag}`);
    const delegate = await person(admin, 'delegate', `Đại biểu Hoàng Thị Phương Thảo ${tag}`);
    const title = `Kỳ họp thường lệ Hội đồng nhân dân tỉnh Quảng Ninh ${tag}`;
    const start = new Date(Date.now() + 60_000);
    const meeting = await secretary.api.ok('POST', '/api/meetings', { title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
    const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo tình hình kinh tế – xã hội', durationMinutes: 30 }] });
    await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [delegate.id] });
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
    const docTitle = `Báo cáo kinh tế xã hội ${tag}`;
    await uploadFile(secretary.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeVietnamesePdf({ pages: 3, title: docTitle }), `${docTitle}.pdf`);
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });

    const page = await logIn(browser, delegate.username, PASSWORD, options);

    // The reader (from the meeting page).
    await page.goto(`/#/meetings/${meeting.id}`);
    await page.getByTestId('pack-section').getByTestId('document-row').filter({ hasText: docTitle }).getByTestId('open-document').click();
    await expect(page.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
    await attachScreenshot(page, testInfo, `${name}-reader.png`);
    await expectFits(page, 'reader');

    // Annotation mode with the pen (its colours shown): the drawing tools stay on one row, and the
    // annotation bar never scrolls sideways inside itself (on a phone what does not fit goes onto
    // the next line or into menus).
    await page.getByTestId('viewer-annotate').click();
    await expect(page.getByTestId('annotation-toolbar')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('annotation-toolbar').getByRole('button', { name: 'Bút', exact: true }).click();
    await attachScreenshot(page, testInfo, `${name}-reader-annotating.png`);
    await expectFits(page, 'reader in annotation mode');
    const bar = await page.getByTestId('viewer-annotation-bar').evaluate((el) => ({ scroll: el.scrollWidth - el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
    expect(bar.scroll, 'annotation bar: nothing hidden sideways').toBeLessThanOrEqual(1);
    expect(bar.overflowX, 'annotation bar: no sideways scrolling').not.toMatch(/auto|scroll/);
    await page.getByTestId('viewer-annotate').click();

    // The room.
    await page.goto(`/#/meetings/${meeting.id}/join`);
    await expect(page.getByLabel('Xem trước camera')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Tham gia' }).click();
    await expect(page.getByTestId('leave-room')).toBeVisible({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Tắt camera' }).click();
    await attachScreenshot(page, testInfo, `${name}-room.png`);
    await expectFits(page, 'room');
    expect(await page.getByTestId('room-toolbar').getAttribute('data-compact')).toBe(name === 'phone' ? 'true' : 'false');
    // Every panel is reachable: in the row, or in the "more" menu on a phone.
    if (name === 'phone') {
      await page.getByTestId('room-toolbar-more').click();
      await expect(page.getByRole('menu')).toBeVisible();
      await attachScreenshot(page, testInfo, `${name}-room-more.png`);
    }
    // The keyboard-shortcut sheet opens from the toolbar (from the "Thêm" menu on a phone).
    await page.getByTestId('room-action-shortcuts').click();
    const sheet = page.getByRole('dialog', { name: 'Phím tắt trong phòng họp' });
    await expect(sheet).toBeVisible();
    await expect(sheet.getByText('Bật/tắt micrô')).toBeVisible();
    await sheet.getByRole('button', { name: 'Đóng' }).click();
    await expect(sheet).toBeHidden();

    // The ballot: the chair opens a vote over signaling; the delegate's ballot comes up.
    const chairClient = await TestSignalingClient.connect(baseURL!, chair.token);
    try {
      await chairClient.request('join', { meetingId: meeting.id });
      const created = await chairClient.request('vote.create', { question: 'Thông qua Nghị quyết về kế hoạch phát triển kinh tế - xã hội năm 2027 của tỉnh?', durationSeconds: null });
      await chairClient.request('vote.open', { voteId: created.vote.id });
      const ballot = page.getByRole('dialog', { name: 'Phiếu biểu quyết', exact: true });
      await expect(ballot).toBeVisible({ timeout: 60_000 });
      await attachScreenshot(page, testInfo, `${name}-ballot.png`);
      const box = (await ballot.boundingBox())!;
      expect(box.x, 'ballot inside the screen').toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, 'ballot inside the screen').toBeLessThanOrEqual(options.viewport!.width);
      await expectFits(page, 'ballot');
    } finally {
      chairClient.close();
    }

    // Leaving asks first; staying keeps the room.
    await page.getByRole('dialog', { name: 'Phiếu biểu quyết', exact: true }).getByRole('button', { name: 'Để sau' }).click();
    await page.getByTestId('leave-room').click();
    await expect(page.getByRole('dialog', { name: 'Rời phòng họp?' })).toBeVisible();
    await page.getByRole('button', { name: 'Ở lại' }).click();
    await expect(page.getByTestId('leave-room')).toBeVisible();

    // Moving elsewhere in the app asks first too: the header's link, then the browser's back button.
    const joinUrl = page.url();
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cuộc họp', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Rời phòng họp?' })).toBeVisible();
    expect(page.url(), 'the address stays on the room while asking').toBe(joinUrl);
    await page.getByRole('button', { name: 'Ở lại' }).click();
    await expect(page.getByRole('dialog', { name: 'Rời phòng họp?' })).toBeHidden();
    await expect(page.getByTestId('leave-room')).toBeVisible();
    expect(page.url()).toBe(joinUrl);
    await page.goBack();
    await expect(page.getByRole('dialog', { name: 'Rời phòng họp?' })).toBeVisible();
    await expect(page.getByTestId('leave-room')).toBeVisible();
    await page.getByTestId('leave-room-confirm').click();
    // Confirmed: the page the back button asked for (the meeting page), out of the room.
    await expect(page.getByTestId('pack-section')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('leave-room')).toHaveCount(0);
    expect(page.url()).toContain(`/#/meetings/${meeting.id}`);
    expect(page.url()).not.toContain('/join');
    await page.context().close();
  });
}
