/**
 * What a signing device does (the desktop app's main process, or the page with a PKCS#12 read in
 * it), for tests: after `prepare`, fetch the prepared PDF, check it against the document, build the
 * signed attributes with common/signing/device-signing.ts, sign them with a key the server never
 * sees, and send `finish` the attributes and the signature.
 */
import crypto from 'node:crypto';
import type { PreparedSigning, SignedDocument } from '../../common/api/signing';
import { signedAttributesFor } from '../../common/signing/device-signing';
import type { Actor } from '../../sfu-server/src/auth/policy';
import type { SigningService } from '../../sfu-server/src/signing/signing-service';
import type { ApiResult, TestApi } from './api-client';

export interface DeviceKeyHolder {
  /** PEM or a KeyObject: stays in the test process. */
  key: crypto.KeyLike;
  certDer: Uint8Array;
  /** Issuers to send with the certificate. */
  chainDer?: Uint8Array[];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export async function finishBodyFor(prep: PreparedSigning, original: Uint8Array, prepared: Uint8Array, holder: DeviceKeyHolder) {
  const { signedAttributes } = await signedAttributesFor(original, prepared, prep, holder.certDer);
  const signature = crypto.sign('sha256', signedAttributes, holder.key);
  return { preparationId: prep.preparationId, signedAttributes: b64(signedAttributes), signature: b64(signature) };
}

export function certificatesOf(holder: DeviceKeyHolder): string[] {
  return [holder.certDer, ...(holder.chainDer ?? [])].map(b64);
}

/** Through the service (integration tests that hold a SigningService): prepare → device → finish body. */
export async function deviceFinishBody(signing: SigningService, actor: Actor, docId: string, holder: DeviceKeyHolder, title = '') {
  const prep = await signing.prepare(actor, docId, { certificates: certificatesOf(holder), title, reason: '', location: '' });
  return finishBodyFor(prep, (await signing.file(actor, docId)).bytes, await signing.preparedFile(actor, docId, prep.preparationId), holder);
}

export async function signOnDevice(signing: SigningService, actor: Actor, docId: string, holder: DeviceKeyHolder, title = ''): Promise<SignedDocument> {
  return signing.finish(actor, docId, await deviceFinishBody(signing, actor, docId, holder, title));
}

async function bytes(api: TestApi, path: string): Promise<Uint8Array> {
  const res = await fetch(api.baseUrl + path, { headers: api.token ? { authorization: `Bearer ${api.token}` } : {} });
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Over HTTP, as the app does it. Returns the first failing answer, or finish's. */
export async function signOverHttp(api: TestApi, docId: string, holder: DeviceKeyHolder, title = ''): Promise<ApiResult> {
  const prep = await api.call<PreparedSigning>('POST', `/api/signed-documents/${docId}/prepare`, { certificates: certificatesOf(holder), title });
  if (prep.status !== 200) return prep;
  const original = await bytes(api, `/api/signed-documents/${docId}/file`);
  const prepared = await bytes(api, `/api/signed-documents/${docId}/preparations/${prep.body.preparationId}/file`);
  return api.call('POST', `/api/signed-documents/${docId}/finish`, await finishBodyFor(prep.body, original, prepared, holder));
}
