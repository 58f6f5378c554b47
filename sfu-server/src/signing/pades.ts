/**
 * PAdES signing in two steps, so the key can live anywhere:
 *   prepare(pdf, chain)  → the PDF with an empty signature appended + the DER of the signed
 *                          attributes (what the signer's key must sign, RSA PKCS#1 v1.5 / ECDSA with SHA-256)
 *   finish(prepared, signature) → the signed PDF
 * `signWithKey` does both with a private key in memory (PKCS#12).
 */
import crypto from 'node:crypto';
import type * as pkijs from 'pkijs';
import { AppError } from '../errors';
import { assembleSignedData, buildSignedAttributes, checkSignatureValue, keyKindOf, type SignedAttributes } from './cms';
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
  return { prepared, attributes, chain, signingTime };
}

export function finishSignature(p: PreparedSignature, signature: Uint8Array): Uint8Array {
  const signer = p.chain[0]!;
  if (!checkSignatureValue(p.attributes, signature, signer)) {
    throw new AppError('bad_request', 'the signature value does not match the certificate and the prepared document', { reason: 'signature_mismatch' });
  }
  return embedSignature(p.prepared, assembleSignedData(p.attributes, signature, p.chain));
}

export async function signWithKey(pdf: Uint8Array, key: crypto.KeyObject, chain: pkijs.Certificate[], request: SignatureRequest): Promise<Uint8Array> {
  const p = await prepareSignature(pdf, chain, request);
  const signature = crypto.sign('sha256', p.attributes.der, key);
  return finishSignature(p, new Uint8Array(signature));
}
