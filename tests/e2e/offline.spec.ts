/**
 * Reading and annotating with no server at all, after restarting the app: a delegate reads the
 * published pack once; the server goes away (stopped, as on a closed network or a laptop taken
 * out of the building); the delegate reloads the app: it starts from the device (service worker),
 * shows the meeting and its pack marked offline, opens the document from the device, and draws on
 * it. When the server is back, the stroke reaches the server and the secretary sees it.
 * Runs against a server of its own (tests/e2e/support/own-server.ts) so it can stop it.
 */
import { expect, test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { draw, openDocument, sharedMarks, status, tool } from './support/annotations';
import { logIn } from './support/conference';
import { useOwnServer } from './support/own-server';

test.use({ actionTimeout: 45_000 });

const server = useOwnServer();

test('with the server gone, the restarted app opens the kept pack, and a stroke drawn then reaches the others later', async ({ browser }) => {
  test.setTimeout(420_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const admin = await TestApi.admin(server.url);
  const chair = await person(admin, 'chair', `Chủ tọa Ngoại Tuyến ${tag}`);
  const sec = await person(admin, 'secretary', `Thư ký Ngoại Tuyến ${tag}`);
  const del = await person(admin, 'delegate', `Đại biểu Đi Công Tác ${tag}`);
  const start = new Date(Date.now() + 86_400_000);
  const meeting = await sec.api.ok('POST', '/api/meetings', { title: `Họp đọc tài liệu ngoại tuyến ${tag}`, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: sec.id });
  const withAgenda = await sec.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo kinh tế - xã hội', durationMinutes: 30 }] });
  await sec.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [del.id] });
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  const title = `Báo cáo ${tag}`;
  const up = await uploadFile(sec.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeVietnamesePdf({ pages: 2, title }), `${title}.pdf`);
  expect(up.status).toBe(201);
  await sec.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);

  // Online: the delegate reads the document once (the app, the pack and the PDF stay on the device).
  const page = await logIn(browser, del.username, PASSWORD, { baseURL: server.url });
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await openDocument(page, meeting.id, title);
  await page.keyboard.press('Escape');

  // The server goes away; the delegate restarts the app (a reload) on the meeting's page.
  await server.stop();
  await page.reload();
  await expect(page.getByRole('heading', { name: `Họp đọc tài liệu ngoại tuyến ${tag}` })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('pack-section').getByText('Đang ngoại tuyến: xem bản lưu trên máy')).toBeVisible();
  await openDocument(page, meeting.id, title, { online: false });
  await expect(status(page)).toHaveAttribute('data-status', 'offline');
  await tool(page, 'Bút');
  await draw(page, [0.2, 0.2], [0.6, 0.3]);
  await expect(sharedMarks(page)).toHaveCount(1);

  // The server is back: the stroke is sent, and the secretary (a fresh client) sees it.
  await server.start();
  await expect(status(page)).toHaveAttribute('data-status', 'connected', { timeout: 60_000 });
  const secPage = await logIn(browser, sec.username, PASSWORD, { baseURL: server.url });
  await openDocument(secPage, meeting.id, title);
  await expect(sharedMarks(secPage)).toHaveCount(1, { timeout: 30_000 });
});
