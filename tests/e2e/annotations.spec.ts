/**
 * Annotating a published document together, with three real clients reading it in the viewer
 * from the meeting page: A (the secretary), B and C (delegates).
 * - A draws a stroke: B and C see it grow while A is still drawing, with A's name on it.
 * - B writes a note in its private layer: A and C never see it.
 * - B loses its connection (its collaboration WebSockets are cut and refused), A and B both draw,
 *   B comes back: all three show the same shared layer.
 * - The server is stopped and started again on the same data: the clients reconnect, and fresh
 *   clients (no local copy) get the shared layer, and B's private note only for B.
 * Runs against a server of its own (tests/e2e/support/own-server.ts) so it can restart it.
 */
import { type Browser, type Page, type WebSocketRoute } from '@playwright/test';
import { expect, test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { draw, layer, openDocument, sharedMarks, status, surface, tool, toolbar } from './support/annotations';
import { useOwnServer } from './support/own-server';

test.use({ actionTimeout: 45_000 });

const server = useOwnServer();

async function logInAt(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(password());
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  return page;
}
const password = () => PASSWORD;

async function sharedIds(page: Page): Promise<string[]> {
  return (await sharedMarks(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-mark-id') ?? ''))).sort();
}

test('three readers annotate together: live strokes, a private note nobody else sees, offline merge, server restart', async ({ browser }) => {
  test.setTimeout(600_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const admin = await TestApi.admin(server.url);
  const chair = await person(admin, 'chair', `Chủ tọa Hoàng Văn Chung ${tag}`);
  const a = await person(admin, 'secretary', `Thư ký Nguyễn Thị An ${tag}`);
  const b = await person(admin, 'delegate', `Đại biểu Trần Văn Bình ${tag}`);
  const c = await person(admin, 'delegate', `Đại biểu Lê Thị Cúc ${tag}`);
  const start = new Date(Date.now() + 60_000);
  const meeting = await a.api.ok('POST', '/api/meetings', { title: `Họp ghi chú chung ${tag}`, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: a.id });
  const withAgenda = await a.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Dự thảo nghị quyết', durationMinutes: 30 }] });
  await a.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [b.id, c.id] });
  await a.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  const title = `Dự thảo ${tag}`;
  const upload = await uploadFile(a.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeVietnamesePdf({ pages: 3, title }), `${title}.pdf`);
  expect(upload.status, JSON.stringify(upload.body)).toBe(201);
  await a.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);
  await a.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });

  const pageA = await logInAt(browser, a.username);
  const pageB = await logInAt(browser, b.username);
  const pageC = await logInAt(browser, c.username);
  // B's collaboration WebSockets go through a switch the test turns off and on (its "network").
  let bOnline = true;
  const bRoutes: WebSocketRoute[] = [];
  await pageB.routeWebSocket(/\/collab\//, (ws) => {
    if (!bOnline) {
      void ws.close({ code: 4000, reason: 'offline' });
      return;
    }
    ws.connectToServer();
    bRoutes.push(ws);
  });
  for (const p of [pageA, pageB, pageC]) await openDocument(p, meeting.id, title);

  // 1. A draws; B and C see the stroke while A is still drawing, then whole, with A's name.
  await tool(pageA, 'Bút');
  await draw(pageA, [0.15, 0.2], [0.7, 0.25], async () => {
    for (const p of [pageB, pageC]) await expect(sharedMarks(p)).toHaveCount(1);
    expect(Number(await sharedMarks(pageB).first().getAttribute('data-points'))).toBeGreaterThan(1);
  });
  for (const p of [pageB, pageC]) {
    await expect(sharedMarks(p)).toHaveCount(1);
    await expect(sharedMarks(p).first()).toHaveAttribute('data-author-name', `Thư ký Nguyễn Thị An ${tag}`);
    await expect.poll(async () => Number(await sharedMarks(p).first().getAttribute('data-points'))).toBeGreaterThanOrEqual(10);
  }
  // The author shows when pointing at the stroke.
  await tool(pageC, 'Chọn / đọc');
  const box = (await surface(pageC).boundingBox())!;
  await pageC.mouse.move(box.x + 0.425 * box.width, box.y + 0.225 * box.height);
  await expect(pageC.getByTestId('annotation-author')).toHaveText(`Thư ký Nguyễn Thị An ${tag}`);

  // 2. B's private note.
  const privateText = `Ghi chú riêng của Bình: hỏi lại số liệu ${tag}`;
  await layer(pageB, 'Riêng');
  await tool(pageB, 'Ghi chú chữ');
  await surface(pageB).click({ position: { x: 40, y: 300 } });
  await pageB.getByRole('textbox', { name: 'Nội dung ghi chú' }).fill(privateText);
  await pageB.getByRole('button', { name: 'Lưu ghi chú' }).click();
  await expect(pageB.locator('[data-testid="annotation-note"][data-layer="private"]')).toContainText(privateText);

  // 3. B goes offline; A and B both draw on the shared layer.
  bOnline = false;
  for (const r of bRoutes.splice(0)) await r.close({ code: 4000, reason: 'offline' });
  await expect(status(pageB)).toHaveAttribute('data-status', 'offline');
  await layer(pageB, 'Chung');
  await tool(pageB, 'Bút');
  await draw(pageB, [0.4, 0.27], [0.8, 0.3]);
  await draw(pageA, [0.1, 0.1], [0.8, 0.12]);
  await expect(sharedMarks(pageA)).toHaveCount(2);
  await expect(sharedMarks(pageC)).toHaveCount(2);
  await expect(sharedMarks(pageB)).toHaveCount(2); // its own new stroke, not A's second one
  expect(await sharedIds(pageB)).not.toEqual(await sharedIds(pageA));

  // B is back: everyone has the same three strokes.
  bOnline = true;
  await expect(status(pageB)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  for (const p of [pageA, pageB, pageC]) await expect(sharedMarks(p)).toHaveCount(3);
  const everyone = await sharedIds(pageA);
  expect(await sharedIds(pageB)).toEqual(everyone);
  expect(await sharedIds(pageC)).toEqual(everyone);
  // B's private note never reached A or C.
  for (const p of [pageA, pageC]) {
    await expect(p.getByTestId('annotation-note')).toHaveCount(0);
    await expect(p.getByText(privateText)).toHaveCount(0);
  }

  // 4. The server restarts on the same data.
  await server.stop();
  await expect(status(pageA)).toHaveAttribute('data-status', 'offline');
  await server.start();
  // A's viewer stayed open: it reconnects by itself.
  await expect(status(pageA)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  await expect(sharedMarks(pageA)).toHaveCount(3);
  expect(await sharedIds(pageA)).toEqual(everyone);
  // Fresh clients with nothing stored on the device get everything from the server.
  const freshC = await logInAt(browser, c.username);
  await openDocument(freshC, meeting.id, title);
  await expect(sharedMarks(freshC)).toHaveCount(3);
  expect(await sharedIds(freshC)).toEqual(everyone);
  await expect(freshC.getByText(privateText)).toHaveCount(0);
  const freshB = await logInAt(browser, b.username);
  await openDocument(freshB, meeting.id, title);
  await expect(sharedMarks(freshB)).toHaveCount(3);
  await expect(freshB.locator('[data-testid="annotation-note"][data-layer="private"]')).toContainText(privateText);
  // And what is drawn now still reaches the others.
  await tool(freshB, 'Bút');
  await draw(freshB, [0.4, 0.15], [0.8, 0.17]);
  for (const p of [pageA, pageC, freshC]) await expect(sharedMarks(p)).toHaveCount(4);
});
