/**
 * The minutes as users make them: the secretary types the chair's conclusions in the minutes
 * editor and the chair, in another browser, sees them appear live; the secretary previews and
 * produces the PDF; the chair signs it with a PKCS#12 file read in the browser (the secretary on her device, through the API); a
 * delegate opens the meeting, sees "Đã ký bởi …, hợp lệ" on the minutes and finds them in the pack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { signOverHttp } from '../support/device-signer';
import { makeSigner, makeTestCa } from '../support/test-ca';
import { logIn } from './support/conference';

test.use({ actionTimeout: 15_000 });

test('the secretary drafts the conclusions with the chair live, produces the minutes PDF; the chair signs; a delegate sees it valid', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-e2e-minutes-'));
  const ca = makeTestCa(`CA Biên bản ${tag}`);
  fs.writeFileSync(path.join(dir, 'chu-toa.p12'), makeSigner(ca, 'Nguyễn Văn An').p12('Mật khẩu ký số 1'));
  const admin = await TestApi.admin(baseURL!);
  await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
  const delegate = await person(admin, 'delegate', `Đại biểu Lê Văn Dự ${tag}`);
  const title = `Họp lập biên bản ${tag}`;
  const meeting = await liveMeeting(admin, [delegate], title);

  // 1. The chair and the secretary open the minutes editor, each in their own browser.
  const chair = await logIn(browser, meeting.chair.username, PASSWORD);
  await chair.goto(`/#/meetings/${meeting.id}`);
  const chairMinutes = chair.getByTestId('minutes');
  await expect(chairMinutes.getByTestId('minutes-editor-status')).toHaveText('Đang cùng soạn');
  const sec = await logIn(browser, meeting.secretary.username, PASSWORD);
  await sec.goto(`/#/meetings/${meeting.id}`);
  const secMinutes = sec.getByTestId('minutes');
  await expect(secMinutes.getByTestId('minutes-editor-status')).toHaveText('Đang cùng soạn');

  // 2. The secretary types the conclusions; the chair sees them appear.
  const conclusion = 'Hội nghị thống nhất giao Sở Tài chính chủ trì, báo cáo trước ngày 15/12.';
  await secMinutes.getByTestId('minutes-editor').click();
  await sec.keyboard.type(conclusion);
  await expect(chairMinutes.getByTestId('minutes-editor')).toHaveText(conclusion);

  // 3. The secretary previews the minutes, then produces the PDF: a version to sign appears.
  await secMinutes.getByRole('button', { name: 'Xem trước' }).click();
  const preview = sec.getByRole('dialog', { name: 'Xem trước biên bản' });
  await expect(preview.getByText(conclusion)).toBeVisible();
  // The delegate never joined the conference: the record says so.
  await expect(preview.getByText(`Đại biểu Lê Văn Dự ${tag}: vắng mặt`)).toBeVisible();
  await sec.keyboard.press('Escape');
  await expect(preview).toBeHidden();
  await secMinutes.getByRole('button', { name: 'Tạo biên bản PDF' }).click();
  await expect(secMinutes.getByTestId('minutes-produced')).toContainText('phiên bản 1');
  const secDocs = sec.getByTestId('signed-documents');
  await expect(secDocs.getByText(`Biên bản cuộc họp: ${title}`)).toBeVisible();
  await expect(secDocs.getByTestId('signed-document-status')).toHaveText('Chưa ký');
  // The minutes change only through "Tạo biên bản PDF": no upload of a new version is offered (the server refuses it).
  await expect(secDocs.getByRole('button', { name: 'Tạo phiên bản mới' })).toHaveCount(0);

  // 4. The chair signs it with a PKCS#12 file.
  await chair.reload();
  const chairDocs = chair.getByTestId('signed-documents');
  await chairDocs.getByRole('button', { name: 'Ký số' }).click();
  const dialog = chair.getByRole('dialog', { name: `Ký số: Biên bản cuộc họp: ${title}` });
  await dialog.locator('input[type="file"]').setInputFiles(path.join(dir, 'chu-toa.p12'));
  await dialog.getByLabel('Mật khẩu của tệp').fill('Mật khẩu ký số 1');
  await dialog.getByRole('button', { name: 'Ký số' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(chairDocs.getByTestId('signed-document-status')).toHaveText('Đã ký một phần');

  // 5. The secretary signs too (through the API: the UI step is the chair's above), with the pack published.
  await meeting.secretary.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);
  const [minutesDoc] = await meeting.secretary.api.ok('GET', `/api/meetings/${meeting.id}/signed-documents`);
  // On her device: the key stays in this test process; the server gets the signed attributes and the signature.
  const secretaryKey = makeSigner(ca, 'Trần Thị Bình');
  const signed = await signOverHttp(meeting.secretary.api, minutesDoc.id, { key: secretaryKey.keyPem, certDer: secretaryKey.certDer, chainDer: [ca.der] });
  expect(signed.status).toBe(200);

  // 6. A delegate opens the meeting: no minutes editor; the minutes signed and valid, and in the pack.
  const del = await logIn(browser, delegate.username, PASSWORD);
  await del.goto(`/#/meetings/${meeting.id}`);
  const delDocs = del.getByTestId('signed-documents');
  await expect(delDocs.getByText(`Biên bản cuộc họp: ${title}`)).toBeVisible();
  await expect(delDocs.getByTestId('signed-document-status')).toHaveText('Đã ký đủ');
  await expect(del.getByTestId('pack-item').getByText(`Biên bản cuộc họp: ${title}`)).toBeVisible();
  await expect(del.getByTestId('minutes')).toHaveCount(0);
  await delDocs.getByRole('button', { name: 'Kiểm tra chữ ký' }).click();
  await expect(delDocs.getByTestId('signature-item')).toHaveCount(2);
  for (const item of await delDocs.getByTestId('signature-item').all()) await expect(item).toHaveAttribute('data-verdict', 'valid');
  await expect(delDocs.getByTestId('signature-headline')).toHaveText(['Đã ký bởi Nguyễn Văn An, hợp lệ', 'Đã ký bởi Trần Thị Bình, hợp lệ']);
  fs.rmSync(dir, { recursive: true, force: true });
});
