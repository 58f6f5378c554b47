/**
 * Signing in the desktop app's main process (electron/main/document-signing.ts) against a
 * preparation made by the server's own code: the page names ids only; the main process fetches the
 * document and the prepared PDF itself, builds the signed attributes whose message-digest is the
 * digest of what the dialog shows, asks in its own dialog, and signs nothing when refused or when
 * the server serves anything but the document with a signature field appended.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenCertificate } from '../../../common/desktop-api';
import { byteRangeContent, readSignedAttributes } from '../../../common/signing/device-signing';
import { DocumentSigning, type SigningConfirmation, type SigningPrompts } from '../../../electron/main/document-signing';
import { TokenSignerError } from '../../../electron/main/token-signer';
import { finishWithDeviceAttributes } from '../../../sfu-server/src/signing/pades';
import { verifyPdf } from '../../../sfu-server/src/signing/verify';
import { makeNssDb, pdfsig } from '../../support/pdfsig';
import { DOC_ID, PREP_ID, servedDocument } from '../../support/prepared-document';
import { makeSamplePdf } from '../../support/sample-pdf';
import { makeSigner, makeTestCa, type TestCa, type TestSigner } from '../../support/test-ca';

let ca: TestCa;
let chair: TestSigner;
let other: TestSigner;
let nss: string | null = null;

beforeAll(() => {
  ca = makeTestCa();
  chair = makeSigner(ca, 'Nguyễn Văn An');
  other = makeSigner(ca, 'Kẻ Giả Mạo');
  nss = makeNssDb([ca.pem]);
}, 60_000);
afterAll(() => {
  if (nss) fs.rmSync(nss, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** A token that records what it is asked to sign (the key is the chair's, in this process). */
function fakeToken(holder: TestSigner) {
  const signed: Uint8Array[] = [];
  const cert: TokenCertificate = {
    id: '0:SERIAL1:a1b2',
    tokenLabel: 'Token Chu toa',
    label: 'ky-so',
    subject: holder.name,
    issuer: ca.name,
    notAfter: new Date(Date.now() + 86_400_000).toISOString(),
    certificate: Buffer.from(holder.certDer).toString('base64'),
    chain: [Buffer.from(ca.der).toString('base64')],
  };
  return {
    signed,
    signer: {
      listCertificates: () => [cert],
      sign: (id: string, pin: string, data: Uint8Array) => {
        if (id !== cert.id) throw new Error('unknown id');
        if (pin !== '246810') throw new TokenSignerError('pin_incorrect', 'wrong PIN');
        signed.push(data);
        return new Uint8Array(crypto.sign('sha256', data, holder.keyPem));
      },
    },
  };
}

function prompts(answers: { pin?: Array<string | null>; password?: Array<string | null>; confirm?: boolean; file?: Uint8Array | null }) {
  const shown: Array<{ kind: string; info?: SigningConfirmation; error?: string | undefined }> = [];
  const p: SigningPrompts = {
    async askPin(info, error) {
      shown.push({ kind: 'pin', info, error });
      return answers.pin?.shift() ?? null;
    },
    async confirm(info) {
      shown.push({ kind: 'confirm', info });
      return answers.confirm ?? false;
    },
    async pickP12File() {
      shown.push({ kind: 'pick' });
      return answers.file ? { name: 'nguyen-van-an.p12', bytes: answers.file } : null;
    },
    async askP12Password(fileName, error) {
      shown.push({ kind: 'password', error });
      return answers.password?.shift() ?? null;
    },
  };
  return { p, shown };
}

const tokenRequest = { documentId: DOC_ID, preparationId: PREP_ID, signer: { kind: 'token' as const, certificateId: '0:SERIAL1:a1b2' } };

describe('DocumentSigning (main process)', () => {
  it('token: the signed attributes carry the digest of the document shown; the PIN is asked in the app; the PDF verifies (app and pdfsig)', async () => {
    const served = await servedDocument(chair.certDer, [ca.der]);
    const token = fakeToken(chair);
    const { p, shown } = prompts({ pin: ['111111', '246810'] });
    const signing = new DocumentSigning({ get: served.get, serverOrigin: async () => 'https://phonghop.example.gov.vn', prompts: p, tokenSigner: () => token.signer });
    const r = await signing.signPrepared(tokenRequest);
    if (!r.ok) throw new Error(r.message);

    // The main process fetched the document and the prepared PDF itself.
    expect(served.fetched).toEqual(expect.arrayContaining([`/api/signed-documents/${DOC_ID}/file`, `/api/signed-documents/${DOC_ID}/preparations/${PREP_ID}/file`]));
    // The dialog showed the document, its meeting, SHA-256 and signer; a wrong PIN was asked again with a reason.
    expect(shown.map((s) => s.kind)).toEqual(['pin', 'pin']);
    expect(shown[1]!.error).toMatch(/PIN không đúng/);
    const info = shown[0]!.info!;
    expect(info).toMatchObject({ documentTitle: 'Biên bản cuộc họp', meetingTitle: 'Họp giao ban tháng 12', signerName: 'Nguyễn Văn An', documentSha256: sha256(served.original), server: 'https://phonghop.example.gov.vn' });
    // messageDigest = SHA-256 of the byte range of the prepared PDF, whose first bytes are the document shown.
    const attrs = new Uint8Array(Buffer.from(r.signedAttributes, 'base64'));
    const read = readSignedAttributes(attrs);
    const prepared = served.prepared.prepared;
    expect(Buffer.from(prepared.pdf.subarray(0, served.original.length)).equals(Buffer.from(served.original))).toBe(true);
    expect(Buffer.from(read.messageDigest!).toString('hex')).toBe(sha256(byteRangeContent(prepared.pdf, prepared.byteRange)));
    expect(Buffer.from(read.messageDigest!).toString('hex')).toBe(info.signedDigest);
    // What the token signed is exactly those attributes, once.
    expect(token.signed.map((d) => Buffer.from(d).toString('base64'))).toEqual([r.signedAttributes]);
    // Nothing of the PIN comes back to the page.
    expect(JSON.stringify(r)).not.toContain('246810');

    // The server finishes with it: valid in the app and in pdfsig.
    const pdf = finishWithDeviceAttributes(served.prepared, attrs, new Uint8Array(Buffer.from(r.signature, 'base64')));
    const report = await verifyPdf(pdf, [ca.der]);
    expect(report.signatures.map((s) => [s.signerName, s.intact, s.trusted, s.coversWholeDocument])).toEqual([['Nguyễn Văn An', true, true, true]]);
    expect(pdfsig(pdf, nss!).map((s) => [s.commonName, s.signatureValid, s.certificateTrusted])).toEqual([['Nguyễn Văn An', true, true]]);
  });

  it('refusing the dialog signs nothing', async () => {
    const served = await servedDocument(chair.certDer, [ca.der]);
    const token = fakeToken(chair);
    const { p, shown } = prompts({ pin: [null] });
    const r = await new DocumentSigning({ get: served.get, serverOrigin: async () => null, prompts: p, tokenSigner: () => token.signer }).signPrepared(tokenRequest);
    expect(r).toMatchObject({ ok: false, error: 'cancelled' });
    expect(shown.map((s) => s.kind)).toEqual(['pin']);
    expect(token.signed).toEqual([]);
  });

  it('a server that serves another PDF, a byte range hiding content, or another certificate gets no signature and no dialog', async () => {
    const cases: Array<[string, (s: Awaited<ReturnType<typeof servedDocument>>) => Promise<void> | void]> = [
      [
        'prepared over another document',
        async (s) => {
          const elsewhere = await servedDocument(chair.certDer, [ca.der], await makeSamplePdf({ title: 'Quyet dinh khac' }));
          s.serve.set(`/api/signed-documents/${DOC_ID}/preparations/${PREP_ID}/file`, elsewhere.prepared.prepared.pdf);
        },
      ],
      [
        'the document differs from its listed SHA-256',
        (s) => {
          const doc = s.serve.get(`/api/signed-documents/${DOC_ID}`) as Record<string, unknown>;
          s.serve.set(`/api/signed-documents/${DOC_ID}`, { ...doc, sha256: '0'.repeat(64) });
        },
      ],
      [
        'a byte range that leaves out more than the empty signature',
        (s) => {
          const prep = s.serve.get(`/api/signed-documents/${DOC_ID}/preparations/${PREP_ID}`) as { byteRange: number[] };
          const [a, b, c, d] = prep.byteRange as [number, number, number, number];
          s.serve.set(`/api/signed-documents/${DOC_ID}/preparations/${PREP_ID}`, { ...prep, byteRange: [a, b - 200, c, d] });
        },
      ],
      [
        'a preparation for another certificate',
        (s) => {
          const prep = s.serve.get(`/api/signed-documents/${DOC_ID}/preparations/${PREP_ID}`) as Record<string, unknown>;
          s.serve.set(`/api/signed-documents/${DOC_ID}/preparations/${PREP_ID}`, { ...prep, certificates: [Buffer.from(other.certDer).toString('base64')] });
        },
      ],
    ];
    for (const [name, tamper] of cases) {
      const served = await servedDocument(chair.certDer, [ca.der]);
      await tamper(served);
      const token = fakeToken(chair);
      const { p, shown } = prompts({ pin: ['246810'] });
      const r = await new DocumentSigning({ get: served.get, serverOrigin: async () => null, prompts: p, tokenSigner: () => token.signer }).signPrepared(tokenRequest);
      expect(r, name).toMatchObject({ ok: false, error: 'document_mismatch' });
      expect(shown, name).toEqual([]);
      expect(token.signed, name).toEqual([]);
    }
  });

  it('PKCS#12: chosen in a native dialog, password in the app (wrong, then right), confirmed natively; the key is used once', async () => {
    const served = await servedDocument(chair.certDer, [ca.der]);
    const { p, shown } = prompts({ file: chair.p12('Mật khẩu ký số 1'), password: ['sai', 'Mật khẩu ký số 1'], confirm: true });
    const signing = new DocumentSigning({ get: served.get, serverOrigin: async () => 'https://phonghop.example.gov.vn', prompts: p });
    const opened = await signing.openP12File();
    if (!opened.ok) throw new Error(opened.message);
    expect(opened.identity).toMatchObject({ subject: 'Nguyễn Văn An', fileName: 'nguyen-van-an.p12' });
    expect(Buffer.from(opened.identity.certificate, 'base64').equals(Buffer.from(chair.certDer))).toBe(true);
    expect(JSON.stringify(opened)).not.toMatch(/PRIVATE|Mật khẩu/);
    expect(shown.map((s) => s.kind)).toEqual(['pick', 'password', 'password']);
    expect(shown[2]!.error).toMatch(/Mật khẩu không đúng/);

    const request = { documentId: DOC_ID, preparationId: PREP_ID, signer: { kind: 'p12' as const, handle: opened.identity.handle } };
    const r = await signing.signPrepared(request);
    if (!r.ok) throw new Error(r.message);
    const confirm = shown.find((s) => s.kind === 'confirm')!.info!;
    expect(confirm).toMatchObject({ signerName: 'Nguyễn Văn An', documentSha256: sha256(served.original), keyLocation: 'nguyen-van-an.p12' });
    const attrs = new Uint8Array(Buffer.from(r.signedAttributes, 'base64'));
    expect(Buffer.from(readSignedAttributes(attrs).messageDigest!).toString('hex')).toBe(confirm.signedDigest);
    const pdf = finishWithDeviceAttributes(served.prepared, attrs, new Uint8Array(Buffer.from(r.signature, 'base64')));
    expect((await verifyPdf(pdf, [ca.der])).signatures.map((s) => [s.signerName, s.intact, s.trusted])).toEqual([['Nguyễn Văn An', true, true]]);
    // The opened file signs once: a second request finds nothing.
    expect(await signing.signPrepared(request)).toMatchObject({ ok: false, error: 'not_found' });
  });

  it('PKCS#12: refusing the native confirmation signs nothing and keeps nothing for the page', async () => {
    const served = await servedDocument(chair.certDer, [ca.der]);
    const { p } = prompts({ file: chair.p12('pw'), password: ['pw'], confirm: false });
    const signing = new DocumentSigning({ get: served.get, serverOrigin: async () => null, prompts: p });
    const opened = await signing.openP12File();
    if (!opened.ok) throw new Error(opened.message);
    const r = await signing.signPrepared({ documentId: DOC_ID, preparationId: PREP_ID, signer: { kind: 'p12', handle: opened.identity.handle } });
    expect(r).toEqual({ ok: false, error: 'cancelled', message: expect.any(String) });
    // No file chosen: cancelled, no password asked.
    const none = prompts({ file: null });
    expect(await new DocumentSigning({ get: served.get, serverOrigin: async () => null, prompts: none.p }).openP12File()).toMatchObject({ ok: false, error: 'cancelled' });
    expect(none.shown.map((s) => s.kind)).toEqual(['pick']);
  });
});
