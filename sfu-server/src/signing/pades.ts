/**
 * PAdES signing in two steps, so the key can live anywhere:
 *   prepare(pdf, chain)  → the PDF with an empty signature appended, the digest of its byte range
 *                          and the DER of the signed attributes
 *   finishWithDeviceAttributes(prepared, attributes, signature) → the signed PDF, from signed
 *                          attributes the signing device built itself (common/signing/device-signing.ts)
 *                          once their message-digest is checked against what was prepared
 * `signWithKey` does both with a private key in memory (tests and tools: the app never holds a key).
 */
import crypto from 'node:crypto';
import type * as pkijs from 'pkijs';
import { AppError } from '../errors';
import { readSignedAttributes, SIGNED_ATTRIBUTE_OIDS } from '../../../common/signing/device-signing';
import { assembleSignedData, buildSignedAttributes, certificateDer, checkSignatureValue, keyKindOf, signedAttributesFromDer, type SignedAttributes } from './cms';
import { addSignaturePlaceholder, embedSignature, signedBytes, type PreparedPdf } from './pdf-placeholder';

export interface SignatureRequest {
  /** Title / position shown on the stamp (e.g. "Chủ tọa"). */
  title: string;
  reason?: string;
  location?: string;
  pageIndex?: number;
  signingTime?: Date;
}

export interface PreparedSignature {
  prepared: PreparedPdf;
  attributes: SignedAttributes;
  chain: pkijs.Certificate[];
  signingTime: Date;
  /** SHA-256 of the byte range of `prepared.pdf`: the message-digest a signature must carry. */
  digest: Uint8Array;
}

/** Common name and organisation of a certificate's subject. */
export function subjectFields(cert: pkijs.Certificate): { commonName: string; organization: string; title: string } {
  const get = (oid: string) => cert.subject.typesAndValues.filter((tv) => tv.type === oid).map((tv) => String(tv.value.valueBlock.value)).join(', ');
  return { commonName: get('2.5.4.3'), organization: get('2.5.4.10'), title: get('2.5.4.12') };
}

export async function prepareSignature(pdf: Uint8Array, chain: pkijs.Certificate[], request: SignatureRequest): Promise<PreparedSignature> {
  const signer = chain[0];
  if (!signer) throw new AppError('bad_request', 'no signer certificate');
  keyKindOf(signer);
  const signingTime = new Date(Math.floor((request.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const notBefore = signer.notBefore.value;
  const notAfter = signer.notAfter.value;
  if (signingTime < notBefore || signingTime > notAfter) throw new AppError('bad_request', 'the certificate is not valid now (expired or not yet valid)', { reason: 'cert_expired' });
  const subject = subjectFields(signer);
  const prepared = await addSignaturePlaceholder(pdf, {
    name: subject.commonName || 'Unknown signer',
    title: request.title,
    organization: subject.organization,
    signingTime,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.location ? { location: request.location } : {}),
    ...(request.pageIndex !== undefined ? { pageIndex: request.pageIndex } : {}),
  });
  const digest = crypto.createHash('sha256').update(signedBytes(prepared.pdf, prepared.byteRange)).digest();
  const attributes = buildSignedAttributes(new Uint8Array(digest), signer, signingTime);
  return { prepared, attributes, chain, signingTime, digest: new Uint8Array(digest) };
}

export function finishSignature(p: PreparedSignature, signature: Uint8Array): Uint8Array {
  const signer = p.chain[0]!;
  if (!checkSignatureValue(p.attributes, signature, signer)) {
    throw new AppError('bad_request', 'the signature value does not match the certificate and the prepared document', { reason: 'signature_mismatch' });
  }
  return embedSignature(p.prepared, assembleSignedData(p.attributes, signature, p.chain));
}

/**
 * Finishes with signed attributes built on the signing device: accepted only when they are the four
 * attributes of a PAdES signature, their message-digest is the digest of the prepared byte range,
 * their signing time is the prepared one, and they name the prepared signer's certificate.
 */
export function finishWithDeviceAttributes(p: PreparedSignature, attributesDer: Uint8Array, signature: Uint8Array): Uint8Array {
  const refuse = (why: string): never => {
    throw new AppError('bad_request', `the signed attributes do not match the prepared document: ${why}`, { reason: 'signature_mismatch' });
  };
  let read: ReturnType<typeof readSignedAttributes>;
  let attributes: SignedAttributes;
  try {
    read = readSignedAttributes(attributesDer);
    attributes = signedAttributesFromDer(attributesDer);
  } catch (err) {
    return refuse((err as Error).message);
  }
  const O = SIGNED_ATTRIBUTE_OIDS;
  const allowed = new Set<string>([O.contentType, O.signingTime, O.messageDigest, O.signingCertificateV2]);
  if (read.types.length !== allowed.size || new Set(read.types).size !== allowed.size || !read.types.every((t) => allowed.has(t))) refuse('unexpected attributes');
  if (read.contentType !== O.data) refuse('content type');
  if (!read.messageDigest || Buffer.compare(Buffer.from(read.messageDigest), Buffer.from(p.digest)) !== 0) refuse('message digest');
  if (read.signingTime?.getTime() !== p.signingTime.getTime()) refuse('signing time');
  const certHash = crypto.createHash('sha256').update(certificateDer(p.chain[0]!)).digest();
  if (!read.signingCertificateHash || !certHash.equals(Buffer.from(read.signingCertificateHash))) refuse('signer certificate');
  return finishSignature({ ...p, attributes }, signature);
}

export async function signWithKey(pdf: Uint8Array, key: crypto.KeyObject, chain: pkijs.Certificate[], request: SignatureRequest): Promise<Uint8Array> {
  const p = await prepareSignature(pdf, chain, request);
  const signature = crypto.sign('sha256', p.attributes.der, key);
  return finishSignature(p, new Uint8Array(signature));
}
