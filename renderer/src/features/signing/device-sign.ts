/**
 * Signing in the browser with a PKCS#12 file read in the page: the file and its password stay on
 * this device. The server prepares the PDF; the page downloads the version and the prepared PDF,
 * checks one extends the other, hashes the byte range, builds the CMS signed attributes and signs
 * them (WebCrypto, or node-forge for RSA where the page is not a secure context), then sends only
 * the attributes and the signature to `finish` (common/signing/device-signing.ts).
 */
import type { SignedDocument } from '../../../../common/api/signing';
import { sha256, signedAttributesFor, signWithDeviceKey, toBase64, toHex, DeviceSigningError } from '../../../../common/signing/device-signing';
import { readP12 } from '../../../../common/signing/p12';
import { signingApi } from './signing-api';

export async function signWithP12OnDevice(doc: SignedDocument, file: File, password: string, title: string): Promise<SignedDocument> {
  const identity = readP12(new Uint8Array(await file.arrayBuffer()), password);
  const signer = identity.certificates[0]!;
  const prep = await signingApi.prepare(doc.id, identity.certificates.map(toBase64), title);
  const [original, prepared] = await Promise.all([signingApi.fileBytes(doc.id), signingApi.preparedBytes(doc.id, prep.preparationId)]);
  if (toHex(await sha256(original)) !== prep.documentSha256) throw new DeviceSigningError('document_mismatch', 'the downloaded document does not have the SHA-256 of the version being signed');
  const { signedAttributes } = await signedAttributesFor(original, prepared, prep, signer);
  const signature = await signWithDeviceKey(identity.key, signedAttributes);
  return signingApi.finish(doc.id, { preparationId: prep.preparationId, signedAttributes: toBase64(signedAttributes), signature: toBase64(signature) });
}
