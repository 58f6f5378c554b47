/**
 * The signing device's half (common/signing/): the prepared-PDF check, the signed attributes, the
 * PKCS#12 reader and the signature (WebCrypto, and node-forge where a page has no WebCrypto), and
 * the server's check of device-built attributes (finishWithDeviceAttributes): only attributes
 * carrying the digest of what was prepared are accepted.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSignedAttributes, byteRangeContent, checkPreparedPdf, deviceKey, readSignedAttributes, sha256, SIGNED_ATTRIBUTE_OIDS, signedAttributesFor, signWithDeviceKey } from '../../../common/signing/device-signing';
import { readP12 } from '../../../common/signing/p12';
import { parseCertificate } from '../../../sfu-server/src/signing/cms';
import { finishWithDeviceAttributes, prepareSignature, type PreparedSignature } from '../../../sfu-server/src/signing/pades';
import { verifyPdf } from '../../../sfu-server/src/signing/verify';
import { makeSamplePdf } from '../../support/sample-pdf';
import { makeSigner, makeTestCa, type TestCa, type TestSigner } from '../../support/test-ca';

let ca: TestCa;
let chair: TestSigner;
let original: Uint8Array;
let prepared: PreparedSignature;

beforeAll(async () => {
  ca = makeTestCa();
  chair = makeSigner(ca, 'Nguyễn Văn An');
  original = await makeSamplePdf();
  prepared = await prepareSignature(original, [parseCertificate(chair.certDer), parseCertificate(ca.der)], { title: 'Chủ tọa' });
}, 60_000);

const prep = () => ({ byteRange: prepared.prepared.byteRange, signingTime: prepared.signingTime.toISOString() });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Hides WebCrypto, as on a page served over plain http (not a secure context). */
function withoutWebCrypto(): () => void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
  return () => Object.defineProperty(globalThis, 'crypto', saved);
}
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

describe('the prepared PDF is checked against the document shown', () => {
  it('accepts the document with its signature field appended; the digest is that of the byte range', async () => {
    const { digest, signedAttributes } = await signedAttributesFor(original, prepared.prepared.pdf, prep(), chair.certDer);
    expect(hex(digest)).toBe(hex(prepared.digest));
    expect(hex(readSignedAttributes(signedAttributes).messageDigest!)).toBe(crypto.createHash('sha256').update(byteRangeContent(prepared.prepared.pdf, prepared.prepared.byteRange)).digest('hex'));
  });

  it('refuses another document, a changed byte of it, a range that hides content, and a gap that is not empty', () => {
    const pdf = prepared.prepared.pdf;
    const [a, b, c, d] = prepared.prepared.byteRange;
    const changed = new Uint8Array(pdf);
    changed[200] = changed[200]! ^ 1;
    const filledGap = new Uint8Array(pdf);
    filledGap[b + 5] = 0x41;
    const cases: Array<[string, Uint8Array, Uint8Array, number[]]> = [
      ['not longer', original, original, [a, b, c, d]],
      ['a byte of the document changed', original, changed, [a, b, c, d]],
      ['range skips content before the gap', original, pdf, [a, b - 100, c, d]],
      ['range starts after 0', original, pdf, [10, b - 10, c, d]],
      ['range does not reach the end', original, pdf, [a, b, c, d - 1]],
      ['gap holds data', original, filledGap, [a, b, c, d]],
      ['gap inside the document', pdf.subarray(0, b + 10), pdf, [a, b, c, d]],
      ['malformed', original, pdf, [a, b, c]],
    ];
    for (const [name, doc, p, range] of cases) expect(() => checkPreparedPdf(doc, p, range), name).toThrow(expect.objectContaining({ code: 'document_mismatch' }));
  });
});

describe('PKCS#12 read on the device', () => {
  it('Vietnamese passwords (AES and 3DES files); the key matches the certificate; the signer comes first', () => {
    for (const algorithm of ['aes256', '3des'] as const) {
      const id = readP12(chair.p12('Mật khẩu ký số 1', algorithm), 'Mật khẩu ký số 1');
      expect(Buffer.from(id.certificates[0]!).equals(Buffer.from(chair.certDer)), algorithm).toBe(true);
      expect(id.certificates).toHaveLength(2);
      expect(id.key.kind).toBe('rsa');
      const pub = crypto.createPublicKey(crypto.createPrivateKey({ key: Buffer.from(id.key.pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
      expect(pub.equals(new crypto.X509Certificate(Buffer.from(chair.certDer)).publicKey.export({ format: 'der', type: 'spki' }) as Buffer)).toBe(true);
    }
  });

  it('a wrong password and a file that is not PKCS#12 are told apart', () => {
    expect(() => readP12(chair.p12('đúng'), 'sai')).toThrow(expect.objectContaining({ code: 'p12_password' }));
    expect(() => readP12(new Uint8Array(Buffer.from('hello, not a p12')), 'x')).toThrow(expect.objectContaining({ code: 'p12_invalid' }));
    expect(() => readP12(new Uint8Array(300 * 1024), 'x')).toThrow(expect.objectContaining({ code: 'p12_invalid' }));
  });
});

describe('signing the attributes', () => {
  it('RSA with WebCrypto and with node-forge (no WebCrypto) give the same valid signature; SHA-256 too', async () => {
    const { signedAttributes } = await signedAttributesFor(original, prepared.prepared.pdf, prep(), chair.certDer);
    const key = readP12(chair.p12('pw'), 'pw').key;
    const web = await signWithDeviceKey(key, signedAttributes);
    const digestWeb = await sha256(prepared.prepared.pdf);
    restore = withoutWebCrypto();
    expect((globalThis as { crypto?: unknown }).crypto).toBeUndefined();
    const forged = await signWithDeviceKey(key, signedAttributes);
    const digestForge = await sha256(prepared.prepared.pdf);
    restore();
    restore = null;
    // RSA PKCS#1 v1.5 is deterministic.
    expect(hex(forged)).toBe(hex(web));
    expect(hex(digestForge)).toBe(hex(digestWeb));
    expect(crypto.verify('sha256', signedAttributes, chair.certPem, web)).toBe(true);
  });

  it('ECDSA P-256 with WebCrypto: a DER signature node:crypto accepts', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = deviceKey(new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })));
    expect(key).toMatchObject({ kind: 'ec', namedCurve: 'P-256' });
    const data = crypto.randomBytes(300);
    expect(crypto.verify('sha256', data, publicKey, await signWithDeviceKey(key, new Uint8Array(data)))).toBe(true);
  });
});

describe('the server accepts only attributes carrying what it prepared (finishWithDeviceAttributes)', () => {
  const sign = (der: Uint8Array) => new Uint8Array(crypto.sign('sha256', der, chair.keyPem));

  it('the right attributes finish into a PDF that verifies', async () => {
    const { signedAttributes } = await signedAttributesFor(original, prepared.prepared.pdf, prep(), chair.certDer);
    const pdf = finishWithDeviceAttributes(prepared, signedAttributes, sign(signedAttributes));
    expect((await verifyPdf(pdf, [ca.der])).signatures.map((s) => [s.signerName, s.intact, s.trusted, s.coversWholeDocument])).toEqual([['Nguyễn Văn An', true, true, true]]);
  });

  it('refuses, each validly signed: another digest, another signing time, another certificate, an extra attribute, non-DER', async () => {
    const other = makeSigner(ca, 'Kẻ Giả Mạo');
    const extra = async () => {
      const der = await buildSignedAttributes(prepared.digest, chair.certDer, prepared.signingTime);
      const set = asn1js.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer).result as asn1js.Set;
      const attrs = set.valueBlock.value.map((v) => new pkijs.Attribute({ schema: v }));
      attrs.push(new pkijs.Attribute({ type: '1.2.840.113549.1.9.52', values: [new asn1js.Null()] }));
      return new Uint8Array(new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER(false));
    };
    const cases: Array<[string, () => Promise<Uint8Array>]> = [
      ['another digest', () => buildSignedAttributes(new Uint8Array(crypto.createHash('sha256').update('another document').digest()), chair.certDer, prepared.signingTime)],
      ['another signing time', () => buildSignedAttributes(prepared.digest, chair.certDer, new Date(prepared.signingTime.getTime() - 3_600_000))],
      ['another certificate named', () => buildSignedAttributes(prepared.digest, other.certDer, prepared.signingTime)],
      ['an extra attribute', extra],
      ['not one DER set', async () => new Uint8Array([...(await buildSignedAttributes(prepared.digest, chair.certDer, prepared.signingTime)), 0])],
    ];
    for (const [name, make] of cases) {
      const der = await make();
      expect(() => finishWithDeviceAttributes(prepared, der, sign(der)), name).toThrow(expect.objectContaining({ details: { reason: 'signature_mismatch' } }));
    }
    expect(SIGNED_ATTRIBUTE_OIDS.messageDigest).toBe('1.2.840.113549.1.9.4');
  });
});
