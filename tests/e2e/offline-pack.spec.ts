/**
 * "Tải cả bộ tài liệu": a delegate who has opened none of the documents downloads the whole
 * published pack from the meeting page (it says how many documents and how much space); the server
 * stops; the restarted app shows the global offline banner (since when, showing kept data) and
 * opens every document of the pack from the device. A confidential document is left out and said so.
 * Runs against a server of its own (tests/e2e/support/own-server.ts) so it can stop it.
 */
import { expect as baseExpect } from '@playwright/test';
import { test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeOutlinedPdf, makeVietnamesePdf } from '../support/pdf-samples';
import { logIn } from './support/conference';
import { useOwnServer } from './support/own-server';

test.use({ actionTimeout: 45_000 });
const expect = baseExpect.configure({ timeout: 45_000 });

const server = useOwnServer();

test('the whole pack is downloaded with its size, and every document opens with the server stopped', async ({ browser }) => {
  test.setTimeout(420_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const admin = await TestApi.admin(server.url);
  const chair = await person(admin, 'chair', `Chủ tọa Tải Bộ ${tag}`);
  const sec = await person(admin, 'secretary', `Thư ký Tải Bộ ${tag}`);
  const del = await person(admin, 'delegate', `Đại biểu Vùng Xa ${tag}`);
  const start = new Date(Date.now() + 86_400_000);
  const meetingTitle = `Họp tải cả bộ tài liệu ${tag}`;
  const meeting = await sec.api.ok('POST', '/api/meetings', { title: meetingTitle, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: sec.id });
  const withAgenda = await sec.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo kinh tế - xã hội', durationMinutes: 30 }, { title: 'Kế hoạch năm 2027', durationMinutes: 30 }] });
  await sec.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [del.id] });
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  const [item1, item2] = withAgenda.agenda;
  const titles = [`Báo cáo ${tag}`, `Phụ lục ${tag}`, `Kế hoạch có mục lục ${tag}`];
  const bodies = [await makeVietnamesePdf({ pages: 3, title: titles[0] }), await makeVietnamesePdf({ pages: 2, title: titles[1] }), await makeOutlinedPdf(titles[2])];
  for (const [i, title] of titles.entries()) {
    const up = await uploadFile(sec.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${(i < 2 ? item1 : item2).id}`, bodies[i]!, `${title}.pdf`);
    expect(up.status).toBe(201);
  }
  const secret = await uploadFile(sec.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${item2.id}`, await makeVietnamesePdf({ pages: 1, title: 'Mật' }), `Mật ${tag}.pdf`);
  await sec.api.ok('PATCH', `/api/documents/${secret.body.id}`, { confidential: true, allowedRoles: ['delegate'] });
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);

  // Online: the delegate downloads the whole pack without opening any document.
  const page = await logIn(browser, del.username, PASSWORD, { baseURL: server.url });
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.goto(`/#/meetings/${meeting.id}`);
  const section = page.getByTestId('pack-section');
  await expect(section.getByTestId('document-row')).toHaveCount(4);
  const download = section.getByTestId('pack-download');
  await expect(download).toHaveAttribute('data-state', 'not-kept');
  const total = bodies.reduce((n, b) => n + b.length, 0);
  await expect(download).toContainText('3 tài liệu');
  await expect(download).toContainText('1 tài liệu mật không được lưu trên máy.');
  await download.getByTestId('pack-download-button').click();
  await expect(download).toHaveAttribute('data-state', 'kept');
  await expect(download.getByTestId('pack-kept')).toContainText(`Đã lưu trên máy để đọc khi không có mạng: 3 tài liệu, ${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(total / 1024)} KB`);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  // Every file of the app this page has loaded is kept by the service worker, also those fetched
  // before it controlled the page (the meeting page's code, fetched ahead from "my meetings").
  const notKept = await page.evaluate(async () => {
    const files = performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name))
      .filter((u) => u.origin === location.origin && /^\/(assets|pdfjs)\//.test(u.pathname))
      .map((u) => u.href);
    const missing: string[] = [];
    for (const f of new Set(files)) if (!(await caches.match(f))) missing.push(f);
    return { checked: files.length, missing };
  });
  expect(notKept.checked).toBeGreaterThan(3);
  expect(notKept.missing).toEqual([]);

  // The server goes away; the app is restarted (a reload) on the meeting's page.
  await server.stop();
  await page.reload();
  await expect(page.getByRole('heading', { name: meetingTitle })).toBeVisible({ timeout: 30_000 });
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toContainText(/Không kết nối được máy chủ từ \d\d:\d\d/);
  await expect(banner).toHaveAttribute('data-kept', 'true');
  await expect(banner).toContainText('đang hiển thị dữ liệu lưu trên máy lúc');
  for (const title of titles) {
    await section.getByTestId('document-row').filter({ hasText: title }).getByTestId('open-document').click();
    await expect(page.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
    await expect(page.getByTestId('pdf-viewer')).toContainText('Bản lưu trên máy');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('pdf-viewer')).toHaveCount(0);
  }
  // The confidential one was not kept: it says so instead of opening.
  await section.getByTestId('document-row').filter({ hasText: `Mật ${tag}` }).getByTestId('open-document').click();
  await expect(page.getByRole('alert', { name: 'Không mở được tài liệu' })).toContainText('chưa được lưu trên máy');

  // The server is back: the banner goes by itself (the probe), without a reload.
  await server.start();
  await expect(banner).toHaveCount(0, { timeout: 60_000 });
});
