/**
 * CMS (RFC 5652) for PAdES, built with pkijs/asn1js: the signed attributes a signer signs
 * (content-type, signing-time, message-digest, ESS signing-certificate-v2) and the detached
 * SignedData that carries the signature value and the certificate chain. The signature itself is
 * made elsewhere — by node:crypto with a PKCS#12 key, or by a PKCS#11 token — so the same code
 * serves both ways of signing.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../errors';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
} as const;

export type KeyKind = 'rsa' | 'ec';

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (err) {
    throw new AppError('bad_request', `not an X.509 certificate: ${(err as Error).message}`);
  }
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function certificateDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

export function keyKindOf(cert: pkijs.Certificate): KeyKind {
  const oid = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  if (oid === OID.rsaEncryption) return 'rsa';
  if (oid === OID.ecPublicKey) return 'ec';
  throw new AppError('bad_request', `unsupported key algorithm ${oid}: use an RSA or EC certificate`);
}

/** DER SET OF: elements in ascending order of their encodings. */
function derSetOf(elements: asn1js.AsnType[]): asn1js.Set {
  const encoded = elements.map((e) => ({ e, der: Buffer.from(e.toBER(false)) }));
  encoded.sort((a, b) => Buffer.compare(a.der, b.der));
  return new asn1js.Set({ value: encoded.map((x) => x.e) });
}

function signingCertificateV2(cert: pkijs.Certificate): pkijs.Attribute {
  const certHash = crypto.createHash('sha256').update(certificateDer(cert)).digest();
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (omitted), certHash, issuerSerial }
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) }), issuerSerial] });
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}

export interface SignedAttributes {
  attributes: pkijs.Attribute[];
  /** DER of the SET OF attributes: the bytes the signer signs (hash-then-sign with SHA-256). */
  der: Uint8Array;
}

export function buildSignedAttributes(contentDigest: Uint8Array, signer: pkijs.Certificate, signingTime: Date): SignedAttributes {
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date(Math.floor(signingTime.getTime() / 1000) * 1000) })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(contentDigest) })] }),
    signingCertificateV2(signer),
  ];
  const set = derSetOf(attributes.map((a) => a.toSchema()));
  const der = new Uint8Array(set.toBER(false));
  // Keep the attributes in the order they were encoded, so the CMS carries exactly `der`.
  const parsed = asn1js.fromBER(toArrayBuffer(der)).result as asn1js.Set;
  const ordered = parsed.valueBlock.value.map((v) => new pkijs.Attribute({ schema: v }));
  return { attributes: ordered, der };
}

/** Signed attributes as DER (a SET OF Attribute, as signed) → the attributes, in their encoded order. */
export function signedAttributesFromDer(der: Uint8Array): SignedAttributes {
  const parsed = asn1js.fromBER(toArrayBuffer(der));
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.Set)) throw new Error('the signed attributes are not one DER SET');
  const attributes = parsed.result.valueBlock.value.map((v) => new pkijs.Attribute({ schema: v }));
  // Only DER is signed: the SET re-encoded must give the same bytes.
  const again = new Uint8Array(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER(false));
  if (Buffer.compare(Buffer.from(again), Buffer.from(der)) !== 0) throw new Error('the signed attributes are not DER');
  return { attributes, der: new Uint8Array(der) };
}

/** Assembles the detached CMS SignedData (DER) around a signature value made over `attrs.der`. */
export function assembleSignedData(attrs: SignedAttributes, signature: Uint8Array, chain: pkijs.Certificate[]): Uint8Array {
  const signer = chain[0];
  if (!signer) throw new AppError('bad_request', 'no signer certificate');
  const kind = keyKindOf(signer);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs.attributes }),
    signatureAlgorithm:
      kind === 'rsa'
        ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() })
        : new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSHA256 }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: chain,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** Checks a signature value against the signer's public key before it is embedded. */
export function checkSignatureValue(attrs: SignedAttributes, signature: Uint8Array, signer: pkijs.Certificate): boolean {
  const key = new crypto.X509Certificate(Buffer.from(certificateDer(signer))).publicKey;
  return crypto.verify('sha256', attrs.der, key, signature);
}

/** Orders the given certificates as a chain from `signer` upwards (issuer found by name and key). */
export function orderChain(signer: pkijs.Certificate, others: pkijs.Certificate[]): pkijs.Certificate[] {
  const chain = [signer];
  const pool = others.filter((c) => !sameCert(c, signer));
  for (let cur = signer; chain.length < 10; ) {
    const x = new crypto.X509Certificate(Buffer.from(certificateDer(cur)));
    const issuer = pool.find((c) => !chain.some((k) => sameCert(k, c)) && x.checkIssued(new crypto.X509Certificate(Buffer.from(certificateDer(c)))));
    if (!issuer || sameCert(issuer, cur)) break;
    chain.push(issuer);
    cur = issuer;
  }
  return chain;
}

export function sameCert(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return Buffer.compare(Buffer.from(certificateDer(a)), Buffer.from(certificateDer(b))) === 0;
}

export function fingerprint(der: Uint8Array): string {
  return crypto.createHash('sha256').update(der).digest('hex');
}
