/**
 * PAdES signing with PKCS#12, checked by the app's verifier and by poppler's pdfsig (NSS db that
 * trusts the test CA): valid, trusted, two signatures in sequence, a changed byte, an unknown CA.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openP12 } from '../../support/device-p12';
import { signWithKey } from '../../../sfu-server/src/signing/pades';
import { verifyPdf } from '../../../sfu-server/src/signing/verify';
import { makeNssDb, pdfsig } from '../../support/pdfsig';
import { makeVietnamesePdf } from '../../support/pdf-samples';
import { makeSamplePdf, sharedAgendaPdf } from '../../support/sample-pdf';
import { makeSigner, makeTestCa, type TestCa, type TestSigner } from '../../support/test-ca';

let ca: TestCa;
let otherCa: TestCa;
let chair: TestSigner;
let secretary: TestSigner;
let stranger: TestSigner;
let nss: string;

beforeAll(() => {
  ca = makeTestCa();
  otherCa = makeTestCa('Unknown Root CA');
  chair = makeSigner(ca, 'Nguyễn Văn An');
  secretary = makeSigner(ca, 'Trần Thị Bình');
  stranger = makeSigner(otherCa, 'Lê Văn Cường');
  // pdfsig is installed by scripts/setup.sh --test: its checks below never go unchecked.
  nss = makeNssDb([ca.pem]);
});
afterAll(() => {
  if (nss) fs.rmSync(nss, { recursive: true, force: true });
});

async function sign(pdf: Uint8Array, who: TestSigner, title: string): Promise<Uint8Array> {
  const id = openP12(who.p12('mật-khẩu 123'), 'mật-khẩu 123');
  return signWithKey(pdf, id.key, id.chain, { title, reason: 'Ký biên bản cuộc họp', location: 'Hà Nội' });
}

const inputs: [string, () => Promise<Uint8Array>][] = [
  ['pdf-lib, cross-reference stream', () => makeSamplePdf()],
  ['pdf-lib, cross-reference table', () => makeSamplePdf({ objectStreams: false })],
  // ../shared/samples when the machine has it; else a document made here (pdfmake), never a silent skip.
  [sharedAgendaPdf() ? 'shared agenda.pdf (LibreOffice)' : 'pdfmake document (../shared/samples missing)', async () => sharedAgendaPdf() ?? new Uint8Array(await makeVietnamesePdf({ pages: 2, title: 'Chương trình họp' }))],
];

describe.each(inputs)('PAdES with PKCS#12: %s', (_label, make) => {
  let original: Uint8Array;
  let once: Uint8Array;
  let twice: Uint8Array;
  beforeAll(async () => {
    original = await make();
    once = await sign(original, chair, 'Chủ tọa');
    twice = await sign(once, secretary, 'Thư ký');
  });

  it('appends an incremental update: the earlier bytes are unchanged', () => {
    expect(Buffer.from(once.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
  });

  it('verifies in the app: intact, whole document, trusted, Vietnamese name', async () => {
    const r = await verifyPdf(once, [ca.der]);
    expect(r.signatures).toHaveLength(1);
    const s = r.signatures[0]!;
    expect(s).toMatchObject({ signerName: 'Nguyễn Văn An', organization: 'UBND tỉnh Thử Nghiệm', intact: true, problem: null, coversWholeDocument: true, modifiedAfter: 'none', trusted: true, trustProblem: null, subFilter: 'ETSI.CAdES.detached', reason: 'Ký biên bản cuộc họp', location: 'Hà Nội' });
    expect(s.pageNumber).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(s.signingTime!) - Date.now())).toBeLessThan(120_000);
  });

  it('two signatures in sequence: both intact and trusted; the first is followed only by a signed revision', async () => {
    const r = await verifyPdf(twice, [ca.der]);
    expect(r.signatures.map((s) => [s.signerName, s.intact, s.trusted, s.coversWholeDocument, s.modifiedAfter])).toEqual([
      ['Nguyễn Văn An', true, true, false, 'signed_revisions'],
      ['Trần Thị Bình', true, true, true, 'none'],
    ]);
    expect(r.signatures.map((s) => s.fieldName)).toEqual(['Signature1', 'Signature2']);
  });

  it('pdfsig: each signature valid and its certificate trusted', () => {
    const sigs = pdfsig(twice, nss);
    expect(sigs.map((s) => [s.commonName, s.validation, s.certificateValidation])).toEqual([
      ['Nguyễn Văn An', 'Signature is Valid.', 'Certificate is Trusted.'],
      ['Trần Thị Bình', 'Signature is Valid.', 'Certificate is Trusted.'],
    ]);
    expect(sigs[1]!.totalDocumentSigned).toBe(true);
  });

  it('a byte changed after signing: invalid in the app and in pdfsig', async () => {
    const changed = new Uint8Array(twice);
    const at = Math.floor(original.length / 2);
    changed[at] = changed[at] === 0x41 ? 0x42 : 0x41;
    const r = await verifyPdf(changed, [ca.der]);
    expect(r.signatures).toHaveLength(2);
    for (const s of r.signatures) expect([s.intact, s.problem]).toEqual([false, 'digest_mismatch']);
    for (const s of pdfsig(changed, nss)) expect(s.signatureValid).toBe(false);
  });

  it('a signature from an unknown authority: intact but untrusted, in the app and in pdfsig', async () => {
    const signed = await sign(original, stranger, 'Khách');
    const s = (await verifyPdf(signed, [ca.der])).signatures[0]!;
    expect([s.signerName, s.intact, s.trusted, s.trustProblem]).toEqual(['Lê Văn Cường', true, false, 'untrusted']);
    // Trusted once the admin adds that authority.
    expect((await verifyPdf(signed, [ca.der, otherCa.der])).signatures[0]!.trusted).toBe(true);
    const p = pdfsig(signed, nss)[0]!;
    expect(p.signatureValid).toBe(true);
    expect(p.certificateTrusted).toBe(false);
  });
});

describe('PKCS#12 files', () => {
  it('wrong password: a clear error', () => {
    expect(() => openP12(chair.p12('right password'), 'wrong password')).toThrow(/wrong password|PKCS#12/);
  });

  it('not a PKCS#12 file: a clear error', () => {
    expect(() => openP12(new Uint8Array(Buffer.from('hello, not a p12')), 'x')).toThrow(/PKCS#12/);
  });

  it('reads legacy 3DES files and files made by OpenSSL 3 (AES-256, PBKDF2, SHA-256 MAC)', async () => {
    expect(openP12(chair.p12('pw', '3des'), 'pw').chain).toHaveLength(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-p12-'));
    try {
      fs.writeFileSync(path.join(dir, 'key.pem'), secretary.keyPem);
      fs.writeFileSync(path.join(dir, 'cert.pem'), secretary.certPem);
      fs.writeFileSync(path.join(dir, 'ca.pem'), ca.pem);
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-certfile', 'ca.pem', '-out', 'id.p12', '-passout', 'pass:mật khẩu'], { cwd: dir });
      const id = openP12(new Uint8Array(fs.readFileSync(path.join(dir, 'id.p12'))), 'mật khẩu');
      expect(id.chain).toHaveLength(2);
      const signed = await signWithKey(await makeSamplePdf(), id.key, id.chain, { title: 'Thư ký' });
      expect((await verifyPdf(signed, [ca.der])).signatures[0]).toMatchObject({ signerName: 'Trần Thị Bình', intact: true, trusted: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an expired certificate cannot sign', async () => {
    const old = makeSigner(ca, 'Phạm Văn Dũng', { notBefore: new Date(Date.now() - 3 * 365 * 24 * 3600_000), years: 1 });
    const id = openP12(old.p12('pw'), 'pw');
    await expect(signWithKey(await makeSamplePdf(), id.key, id.chain, { title: '' })).rejects.toThrow(/not valid now/);
  });
});
