/**
 * The device's half of a PAdES signature, shared by the desktop app's main process and the browser:
 * the server prepares the PDF (an incremental update with an empty signature) and the device
 *   1. checks that the prepared PDF is the document it was shown with only an update appended, and
 *      that the byte range leaves out nothing but the zero-filled /Contents placeholder;
 *   2. hashes the byte range itself (SHA-256) and builds the CMS signed attributes (content-type,
 *      signing-time, message-digest, ESS signing-certificate-v2) with the signer's certificate;
 *   3. signs those attributes with a key that never leaves it (token, PKCS#12 read on the device).
 * The server only receives the signed attributes and the signature value, checks that their
 * message-digest is the digest of what it prepared, and assembles the CMS.
 *
 * Isomorphic: pkijs/asn1js for ASN.1, WebCrypto when present (Node, Electron, secure pages), and
 * node-forge for SHA-256 and RSA where WebCrypto is missing (a page served over plain http on a
 * LAN address is not a secure context and has no `crypto.subtle`).
 */
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';

export const SIGNED_ATTRIBUTE_OIDS = {
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

export type DeviceSigningErrorCode = 'document_mismatch' | 'p12_password' | 'p12_invalid' | 'unsupported_key';

export class DeviceSigningError extends Error {
  constructor(
    readonly code: DeviceSigningErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceSigningError';
  }
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

type Subtle = typeof globalThis.crypto.subtle;

function subtle(): Subtle | undefined {
  return (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
}

function binaryString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

function fromBinaryString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  const s = subtle();
  if (s) return new Uint8Array(await s.digest('SHA-256', buffer(bytes)));
  const md = forge.md.sha256.create();
  for (let i = 0; i < bytes.length; i += 1 << 20) md.update(binaryString(bytes.subarray(i, i + (1 << 20))));
  return fromBinaryString(md.digest().getBytes());
}

/**
 * Throws unless `prepared` is `original` with bytes appended, and `byteRange` covers every byte of
 * `prepared` except one hex string of zeros (the /Contents placeholder) inside the appended part.
 */
export function checkPreparedPdf(original: Uint8Array, prepared: Uint8Array, byteRange: readonly number[]): void {
  const fail = (why: string): never => {
    throw new DeviceSigningError('document_mismatch', `the prepared PDF is not the document shown: ${why}`);
  };
  if (prepared.length <= original.length) fail('it is not longer than the document');
  for (let i = 0; i < original.length; i++) if (prepared[i] !== original[i]) fail(`it differs from the document at byte ${i}`);
  if (byteRange.length !== 4 || !byteRange.every((n) => Number.isSafeInteger(n) && n >= 0)) fail('malformed byte range');
  const [a, b, c, d] = byteRange as [number, number, number, number];
  if (a !== 0 || b < original.length || c <= b + 1 || c + d !== prepared.length) fail('the byte range does not cover the whole file');
  if (prepared[b] !== 0x3c || prepared[c - 1] !== 0x3e) fail('the gap is not a hex string');
  for (let i = b + 1; i < c - 1; i++) if (prepared[i] !== 0x30) fail('the gap is not an empty signature');
}

/** The bytes a signature covers: everything but the /Contents hex string. */
export function byteRangeContent(pdf: Uint8Array, byteRange: readonly number[]): Uint8Array {
  const [a, b, c, d] = byteRange as [number, number, number, number];
  const out = new Uint8Array(b + d);
  out.set(pdf.subarray(a, a + b), 0);
  out.set(pdf.subarray(c, c + d), b);
  return out;
}

/** DER SET OF: elements in ascending order of their encodings. */
function derSetOf(elements: asn1js.AsnType[]): asn1js.Set {
  const encoded = elements.map((e) => ({ e, der: new Uint8Array(e.toBER(false)) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));
  return new asn1js.Set({ value: encoded.map((x) => x.e) });
}

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function parseCertificateDer(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(buffer(der));
}

/**
 * DER of the CMS signed attributes (the bytes the key signs, SHA-256): content-type data,
 * signing-time, message-digest = `digest`, ESS signing-certificate-v2 naming `signerDer`.
 */
export async function buildSignedAttributes(digest: Uint8Array, signerDer: Uint8Array, signingTime: Date): Promise<Uint8Array> {
  if (digest.length !== 32) throw new Error('a SHA-256 digest has 32 bytes');
  const cert = parseCertificateDer(signerDer);
  const certHash = await sha256(signerDer);
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (omitted), certHash, issuerSerial }
  const issuerSerial = new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }), cert.serialNumber],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: buffer(certHash) }), issuerSerial] });
  const O = SIGNED_ATTRIBUTE_OIDS;
  const attributes = [
    new pkijs.Attribute({ type: O.contentType, values: [new asn1js.ObjectIdentifier({ value: O.data })] }),
    new pkijs.Attribute({ type: O.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date(Math.floor(signingTime.getTime() / 1000) * 1000) })] }),
    new pkijs.Attribute({ type: O.messageDigest, values: [new asn1js.OctetString({ valueHex: buffer(digest) })] }),
    new pkijs.Attribute({ type: O.signingCertificateV2, values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })] }),
  ];
  return new Uint8Array(derSetOf(attributes.map((a) => a.toSchema())).toBER(false));
}

export interface SignedAttributesContent {
  /** Attribute types in encoded order. */
  types: string[];
  contentType: string | null;
  messageDigest: Uint8Array | null;
  signingTime: Date | null;
  /** certHash of the first ESSCertIDv2, when present. */
  signingCertificateHash: Uint8Array | null;
}

/** Reads DER signed attributes (a SET OF Attribute); throws on anything else. */
export function readSignedAttributes(der: Uint8Array): SignedAttributesContent {
  const parsed = asn1js.fromBER(buffer(der));
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.Set)) throw new Error('the signed attributes are not one DER SET');
  const out: SignedAttributesContent = { types: [], contentType: null, messageDigest: null, signingTime: null, signingCertificateHash: null };
  for (const element of parsed.result.valueBlock.value) {
    const attr = new pkijs.Attribute({ schema: element });
    out.types.push(attr.type);
    if (attr.values.length !== 1) throw new Error(`attribute ${attr.type} must have exactly one value`);
    const value = attr.values[0];
    const O = SIGNED_ATTRIBUTE_OIDS;
    if (attr.type === O.contentType && value instanceof asn1js.ObjectIdentifier) out.contentType = value.valueBlock.toString();
    else if (attr.type === O.messageDigest && value instanceof asn1js.OctetString) out.messageDigest = new Uint8Array(value.valueBlock.valueHexView);
    else if (attr.type === O.signingTime && (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime)) out.signingTime = value.toDate();
    else if (attr.type === O.signingCertificateV2 && value instanceof asn1js.Sequence) {
      const first = (value.valueBlock.value[0] as asn1js.Sequence | undefined)?.valueBlock.value[0] as asn1js.Sequence | undefined;
      const hash = first?.valueBlock.value.find((v) => v instanceof asn1js.OctetString) as asn1js.OctetString | undefined;
      out.signingCertificateHash = hash ? new Uint8Array(hash.valueBlock.valueHexView) : null;
    }
  }
  return out;
}

export type KeyKind = 'rsa' | 'ec';
export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

export interface DeviceKey {
  /** PKCS#8 PrivateKeyInfo, DER. */
  pkcs8: Uint8Array;
  kind: KeyKind;
  namedCurve: NamedCurve | null;
}

const CURVES: Record<string, NamedCurve> = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' };

/** The algorithm of a PKCS#8 key. */
export function deviceKey(pkcs8: Uint8Array): DeviceKey {
  const info = new pkijs.PrivateKeyInfo({ schema: asn1js.fromBER(buffer(pkcs8)).result });
  const oid = info.privateKeyAlgorithm.algorithmId;
  if (oid === '1.2.840.113549.1.1.1') return { pkcs8, kind: 'rsa', namedCurve: null };
  if (oid === '1.2.840.10045.2.1') {
    const params = info.privateKeyAlgorithm.algorithmParams;
    const curve = params instanceof asn1js.ObjectIdentifier ? CURVES[params.valueBlock.toString()] : undefined;
    if (!curve) throw new DeviceSigningError('unsupported_key', 'unsupported elliptic curve');
    return { pkcs8, kind: 'ec', namedCurve: curve };
  }
  throw new DeviceSigningError('unsupported_key', `unsupported key algorithm ${oid}: use an RSA or EC key`);
}

/** ECDSA r‖s (WebCrypto, PKCS#11) → ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs), as CMS wants. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (b: Uint8Array) => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) v = v.subarray(1);
    const body = v[0]! & 0x80 ? new Uint8Array([0, ...v]) : v;
    return new Uint8Array([0x02, body.length, ...body]);
  };
  const body = new Uint8Array([...int(raw.subarray(0, half)), ...int(raw.subarray(half))]);
  const len = body.length < 128 ? [body.length] : [0x81, body.length];
  return new Uint8Array([0x30, ...len, ...body]);
}

/** Signs `data` (the DER signed attributes) with SHA-256: RSA PKCS#1 v1.5 or ECDSA (DER). */
export async function signWithDeviceKey(key: DeviceKey, data: Uint8Array): Promise<Uint8Array> {
  const s = subtle();
  if (key.kind === 'rsa') {
    if (s) {
      const k = await s.importKey('pkcs8', buffer(key.pkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
      return new Uint8Array(await s.sign('RSASSA-PKCS1-v1_5', k, buffer(data)));
    }
    const privateKey = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(binaryString(key.pkcs8)))) as forge.pki.rsa.PrivateKey;
    const md = forge.md.sha256.create();
    md.update(binaryString(data));
    return fromBinaryString(privateKey.sign(md));
  }
  if (!s) throw new DeviceSigningError('unsupported_key', 'EC keys need WebCrypto: open the page over https');
  const k = await s.importKey('pkcs8', buffer(key.pkcs8), { name: 'ECDSA', namedCurve: key.namedCurve! }, false, ['sign']);
  return ecdsaRawToDer(new Uint8Array(await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, k, buffer(data))));
}

export interface PreparationForDevice {
  byteRange: readonly number[];
  signingTime: string;
}

/**
 * Steps 1 and 2: checks the prepared PDF against the document shown, and returns the digest of its
 * byte range and the signed attributes carrying it.
 */
export async function signedAttributesFor(original: Uint8Array, prepared: Uint8Array, preparation: PreparationForDevice, signerDer: Uint8Array): Promise<{ digest: Uint8Array; signedAttributes: Uint8Array }> {
  checkPreparedPdf(original, prepared, preparation.byteRange);
  const digest = await sha256(byteRangeContent(prepared, preparation.byteRange));
  const signingTime = new Date(preparation.signingTime);
  if (Number.isNaN(signingTime.getTime())) throw new DeviceSigningError('document_mismatch', 'the preparation has no valid signing time');
  return { digest, signedAttributes: await buildSignedAttributes(digest, signerDer, signingTime) };
}

export function toBase64(bytes: Uint8Array): string {
  return forge.util.encode64(binaryString(bytes));
}

export function fromBase64(b64: string): Uint8Array {
  return fromBinaryString(forge.util.decode64(b64));
}
