/**
 * Signing in the desktop app, through the real renderer UI: the page (with a fake preload) asks the
 * server to prepare, then hands the "main process" ids only; the main process here is the app's
 * own electron/main/document-signing.ts run in Node, which fetches the document and the prepared PDF
 * from the server itself, shows title/meeting/SHA-256/signer in its dialog (recorded), takes the
 * PIN there and signs with a token (the chair's key, in this test process). The page never sees the
 * PIN; the signature is valid in the app and in pdfsig.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { TokenCertificate } from '../../common/desktop-api';
import { DocumentSigning, type SigningConfirmation } from '../../electron/main/document-signing';
import { TokenSignerError } from '../../electron/main/token-signer';
import { liveMeeting, PASSWORD, TestApi } from '../support/api-client';
import { makeNssDb, pdfsig } from '../support/pdfsig';
import { makeSamplePdf } from '../support/sample-pdf';
import { makeSigner, makeTestCa } from '../support/test-ca';
import { desktopCalls, useFakeDesktop } from './support/fake-desktop';
import { expect, test } from './support/test';

test.use({ actionTimeout: 15_000 });

test('desktop: the chair signs with a USB token; the app fetches and shows the document, the PIN is typed in the app, not the page', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const ca = makeTestCa(`CA Token ${tag}`);
  const chairKey = makeSigner(ca, 'Nguyễn Văn An');
  const admin = await TestApi.admin(baseURL!);
  await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
  const meeting = await liveMeeting(admin, [], `Họp ký bằng token ${tag}`);
  const up = await fetch(`${baseURL}/api/meetings/${meeting.id}/signed-documents?${new URLSearchParams({ title: 'Biên bản cuộc họp', fileName: 'bien-ban.pdf' })}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${meeting.secretary.token}`, 'content-type': 'application/pdf' },
    body: Buffer.from(await makeSamplePdf()),
  });
  expect(up.status).toBe(201);
  const doc = (await up.json()) as { id: string; sha256: string };

  // The token: the chair's certificate, a PIN, and a record of what it signs.
  const PIN = '246810';
  const cert: TokenCertificate = {
    id: '0:SERIAL9:a1',
    tokenLabel: 'Token Chu toa',
    label: 'ky-so',
    subject: 'Nguyễn Văn An',
    issuer: ca.name,
    notAfter: new Date(Date.now() + 86_400_000).toISOString(),
    certificate: Buffer.from(chairKey.certDer).toString('base64'),
    chain: [Buffer.from(ca.der).toString('base64')],
  };
  const tokenSigned: string[] = [];
  const shown: SigningConfirmation[] = [];
  // The main process: fetches from the server with the chair's session (a bearer token here, cookies in the app).
  const main = new DocumentSigning({
    get: async (path) => {
      const res = await fetch(baseURL + path, { headers: { authorization: `Bearer ${meeting.chair.token}` } });
      return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    },
    serverOrigin: async () => new URL(baseURL!).origin,
    prompts: {
      askPin: async (info) => (shown.push(info), PIN),
      confirm: async () => false,
      pickP12File: async () => null,
      askP12Password: async () => null,
    },
    tokenSigner: () => ({
      listCertificates: () => [cert],
      sign: (id, pin, data) => {
        if (id !== cert.id || pin !== PIN) throw new TokenSignerError('pin_incorrect', 'wrong PIN');
        tokenSigned.push(Buffer.from(data).toString('base64'));
        return new Uint8Array(crypto.sign('sha256', data, chairKey.keyPem));
      },
    }),
  });

  const context = await browser.newContext();
  const page = await context.newPage();
  await useFakeDesktop(page);
  await page.exposeFunction('__fakeDesktopMain', async (method: string, arg: string) => {
    if (method === 'listTokenCertificates') return JSON.stringify([cert]);
    if (method === 'signPreparedDocument') return JSON.stringify(await main.signPrepared(JSON.parse(arg)));
    throw new Error(`unexpected ${method}`);
  });
  const sent: Array<{ url: string; body: Buffer | null }> = [];
  page.on('request', (r) => sent.push({ url: r.url(), body: r.postDataBuffer() }));
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(meeting.chair.username);
  await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  await page.goto(`/#/meetings/${meeting.id}`);

  const section = page.getByTestId('signed-documents');
  await section.getByRole('button', { name: 'Ký số' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ký số: Biên bản cuộc họp' });
  await dialog.getByText('USB token').click();
  // No PIN field in the page: the app asks for it in its own window.
  await expect(dialog.getByText('ứng dụng hiển thị văn bản, mã SHA-256 và người ký trong cửa sổ riêng', { exact: false })).toBeVisible();
  await expect(dialog.getByLabel('Mã PIN')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Ký số' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(section.getByTestId('signed-document-status')).toHaveText('Đã ký một phần');
  await expect(section.getByTestId('signature-headline')).toHaveText('Đã ký bởi Nguyễn Văn An, hợp lệ');

  // The page handed the app ids only.
  const asked = (await desktopCalls(page)).filter((c) => c.method === 'signPreparedDocument');
  expect(asked).toHaveLength(1);
  expect(asked[0]!.args[0]).toEqual({ documentId: doc.id, preparationId: expect.any(String), signer: { kind: 'token', certificateId: cert.id } });
  // The app's dialog showed the document the server lists, its meeting and the signer.
  expect(shown).toHaveLength(1);
  expect(shown[0]).toMatchObject({ documentTitle: 'Biên bản cuộc họp', meetingTitle: `Họp ký bằng token ${tag}`, documentSha256: doc.sha256, signerName: 'Nguyễn Văn An' });
  expect(tokenSigned).toHaveLength(1);
  // The PIN never went through the page.
  for (const r of sent) expect(r.body?.includes(Buffer.from(PIN)) ?? false, r.url).toBe(false);

  const signed = await fetch(`${baseURL}/api/signed-documents/${doc.id}/file`, { headers: { authorization: `Bearer ${meeting.chair.token}` } });
  const nss = makeNssDb([ca.pem]);
  try {
    expect(pdfsig(new Uint8Array(await signed.arrayBuffer()), nss).map((s) => [s.commonName, s.signatureValid, s.certificateTrusted])).toEqual([['Nguyễn Văn An', true, true]]);
  } finally {
    fs.rmSync(nss, { recursive: true, force: true });
  }
  await context.close();
});
