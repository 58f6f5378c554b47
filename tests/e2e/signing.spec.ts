/**
 * Digital signatures through the UI: the admin trusts a test CA (made by the test) on the admin
 * page; the secretary puts up a PDF for the meeting; the chair signs it with a PKCS#12 file and its
 * password, read and used in the browser: neither the file nor the password is ever sent (every
 * request of the chair's page is inspected); the panel says "Đã ký bởi …, hợp lệ"; a delegate of the
 * meeting checks it too; the downloaded PDF verifies in pdfsig.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { TEST_ADMIN_PASSWORD } from '../support/constants';
import { makeNssDb, pdfsig } from '../support/pdfsig';
import { makeSamplePdf } from '../support/sample-pdf';
import { makeSigner, makeTestCa } from '../support/test-ca';
import { logIn } from './support/conference';

test.use({ actionTimeout: 15_000 });

test('the admin trusts a CA; the secretary puts up a PDF; the chair signs it with a PKCS#12 file; everyone sees it valid', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-e2e-sign-'));
  const ca = makeTestCa(`CA Thử nghiệm ${tag}`);
  const chairCert = makeSigner(ca, 'Nguyễn Văn An');
  fs.writeFileSync(path.join(dir, 'ca.crt'), ca.pem);
  fs.writeFileSync(path.join(dir, 'nguyen-van-an.p12'), chairCert.p12('Mật khẩu ký số 1'));
  fs.writeFileSync(path.join(dir, 'bien-ban.pdf'), await makeSamplePdf());

  // 1. The admin adds the CA on the admin page.
  const adminPage = await logIn(browser, 'admin', TEST_ADMIN_PASSWORD);
  await adminPage.goto('/#/admin/signing');
  const anchors = adminPage.getByTestId('trust-anchors');
  await anchors.locator('input[type="file"]').setInputFiles(path.join(dir, 'ca.crt'));
  await anchors.getByRole('button', { name: 'Thêm tổ chức chứng thực' }).click();
  await expect(anchors.getByRole('cell', { name: `CA Thử nghiệm ${tag}`, exact: true })).toBeVisible();

  // The meeting, with its chair, secretary and a delegate.
  const admin = await TestApi.admin(baseURL!);
  const delegate = await person(admin, 'delegate', `Đại biểu Lê Văn Dự ${tag}`);
  const meeting = await liveMeeting(admin, [delegate], `Họp ký biên bản ${tag}`);

  // 2. The secretary puts up the PDF to sign.
  const sec = await logIn(browser, meeting.secretary.username, PASSWORD);
  await sec.goto(`/#/meetings/${meeting.id}`);
  const secSection = sec.getByTestId('signed-documents');
  await secSection.getByRole('button', { name: 'Thêm văn bản cần ký' }).click();
  const upload = sec.getByRole('dialog', { name: 'Thêm văn bản cần ký' });
  await upload.getByRole('textbox', { name: 'Tên văn bản' }).fill('Biên bản cuộc họp');
  await upload.locator('input[type="file"]').setInputFiles(path.join(dir, 'bien-ban.pdf'));
  await upload.getByRole('button', { name: 'Tải lên' }).click();
  await expect(upload).toBeHidden();
  await expect(secSection.getByTestId('signed-document-status')).toHaveText('Chưa ký');
  // The secretary may sign too, but not the chair's part.
  await expect(secSection.getByRole('button', { name: 'Ký số' })).toBeVisible();

  // A delegate of the meeting has its page open already: what happens next shows there without reloading.
  const del = await logIn(browser, delegate.username, PASSWORD);
  await del.goto(`/#/meetings/${meeting.id}`);
  const delSection = del.getByTestId('signed-documents');
  await expect(delSection.getByTestId('signed-document-status')).toHaveText('Chưa ký');

  // 3. The chair signs with the PKCS#12 file; a wrong password first.
  const chair = await logIn(browser, meeting.chair.username, PASSWORD);
  const p12Bytes = fs.readFileSync(path.join(dir, 'nguyen-van-an.p12'));
  const sent: Array<{ method: string; url: string; body: Buffer | null }> = [];
  chair.on('request', (r) => sent.push({ method: r.method(), url: r.url(), body: r.postDataBuffer() }));
  await chair.goto(`/#/meetings/${meeting.id}`);
  const section = chair.getByTestId('signed-documents');
  await section.getByRole('button', { name: 'Ký số' }).click();
  const dialog = chair.getByRole('dialog', { name: 'Ký số: Biên bản cuộc họp' });
  await dialog.locator('input[type="file"]').setInputFiles(path.join(dir, 'nguyen-van-an.p12'));
  await dialog.getByLabel('Mật khẩu của tệp').fill('sai mật khẩu');
  await dialog.getByRole('button', { name: 'Ký số' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Mật khẩu của tệp chứng thư số không đúng.');
  await dialog.getByLabel('Mật khẩu của tệp').fill('Mật khẩu ký số 1');
  await dialog.getByRole('button', { name: 'Ký số' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(section.getByTestId('signed-document-status')).toHaveText('Đã ký một phần');
  await expect(section.getByTestId('signature-headline')).toHaveText('Đã ký bởi Nguyễn Văn An, hợp lệ');
  await expect(section.getByText('Nội dung không bị thay đổi kể từ khi ký')).toBeVisible();
  await expect(section.getByText('Chứng thư số do tổ chức chứng thực tin cậy cấp')).toBeVisible();
  await expect(section.getByRole('button', { name: 'Ký số' })).toHaveCount(0);
  // Signed on the device: the page fetched the prepared PDF and sent only the signed attributes and
  // the signature; no request carried the file, its key or its password, and none went to a signing-with-key route.
  expect(sent.some((r) => r.method === 'GET' && /\/preparations\/[0-9a-f-]+\/file$/.test(r.url))).toBe(true);
  const finish = sent.filter((r) => r.method === 'POST' && r.url.endsWith('/finish'));
  expect(finish).toHaveLength(1);
  expect(Object.keys(JSON.parse(finish[0]!.body!.toString('utf8'))).sort()).toEqual(['preparationId', 'signature', 'signedAttributes']);
  const secrets = [p12Bytes, p12Bytes.subarray(0, 64), Buffer.from(p12Bytes.toString('base64').slice(0, 64)), Buffer.from('Mật khẩu ký số 1'), Buffer.from('sai mật khẩu'), Buffer.from(encodeURIComponent('Mật khẩu ký số 1'))];
  for (const r of sent) {
    expect(r.url).not.toMatch(/\/sign(\?|$)/);
    for (const secret of secrets) expect(r.body?.includes(secret) ?? false, `${r.method} ${r.url}`).toBe(false);
  }

  // 4. The delegate's open page shows the signature (pushed by the server), and the delegate checks it.
  await expect(delSection.getByTestId('signed-document-status')).toHaveText('Đã ký một phần');
  await expect(delSection.getByText(/^Chủ tọa .* đã ký \(Nguyễn Văn An\)/)).toBeVisible();
  await expect(delSection.getByRole('button', { name: 'Ký số' })).toHaveCount(0);
  await delSection.getByRole('button', { name: 'Kiểm tra chữ ký' }).click();
  await expect(delSection.getByTestId('signature-item')).toHaveAttribute('data-verdict', 'valid');
  await expect(delSection.getByTestId('signature-headline')).toHaveText('Đã ký bởi Nguyễn Văn An, hợp lệ');

  // 5. The signed PDF as downloaded verifies independently.
  const [download] = await Promise.all([del.waitForEvent('download'), delSection.getByRole('button', { name: 'Tải xuống Biên bản cuộc họp' }).click()]);
  const signed = new Uint8Array(fs.readFileSync(await download.path()));
  // pdfsig is installed by scripts/setup.sh --test: the check always runs.
  const nss = makeNssDb([ca.pem]);
  try {
    expect(pdfsig(signed, nss).map((s) => [s.commonName, s.signatureValid, s.certificateTrusted])).toEqual([['Nguyễn Văn An', true, true]]);
  } finally {
    fs.rmSync(nss, { recursive: true, force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
