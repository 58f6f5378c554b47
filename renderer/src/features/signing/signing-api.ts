/**
 * HTTP calls of the signatures feature. JSON calls go through the shared ApiClient; PDFs and
 * PKCS#12 forms are sent raw here, with the same cookies, one refresh on 401 and the same errors.
 */
import { z } from 'zod';
import { ApiError } from '../../../../common/api/model';
import { PreparedSigning, SignedDocument, TrustAnchor, VerificationReport } from '../../../../common/api/signing';
import { api, ApiRequestError } from '../../net/api-client';
import { serverUrl } from '../../platform/desktop';

async function send(method: 'POST', path: string, body: () => BodyInit, contentType?: string): Promise<unknown> {
  const base = await serverUrl();
  if (!base) throw new ApiRequestError(0, 'network', 'apiErrors.network', 'no server address');
  const once = async () => {
    try {
      return await fetch(new URL(path, base), { method, credentials: 'include', cache: 'no-store', headers: { accept: 'application/json', ...(contentType ? { 'content-type': contentType } : {}) }, body: body() });
    } catch (err) {
      throw new ApiRequestError(0, 'network', 'apiErrors.network', err instanceof Error ? err.message : String(err));
    }
  };
  let res = await once();
  if (res.status === 401 && (await api.refresh())) res = await once();
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = ApiError.safeParse(json);
    if (e.success) throw new ApiRequestError(res.status, e.data.code, e.data.messageKey, e.data.message, e.data.details);
    throw new ApiRequestError(res.status, 'bad_request', 'apiErrors.bad_request', `HTTP ${res.status}`);
  }
  return json;
}

function parse<S extends z.ZodType>(schema: S, json: unknown): z.output<S> {
  const r = schema.safeParse(json);
  if (!r.success) throw new ApiRequestError(200, 'bad_response', 'apiErrors.bad_response', 'unexpected answer', r.error.issues);
  return r.data;
}

const enc = encodeURIComponent;

export const signingApi = {
  anchors: () => api.call('GET', '/api/signing/trust-anchors', { schema: z.array(TrustAnchor) }),
  addAnchor: (certificate: string) => api.call('POST', '/api/signing/trust-anchors', { body: { certificate }, schema: TrustAnchor }),
  removeAnchor: (id: string) => api.call('DELETE', `/api/signing/trust-anchors/${enc(id)}`),

  verifyBytes: async (pdf: Uint8Array) => parse(VerificationReport, await send('POST', '/api/signing/verify', () => new Blob([pdf as BlobPart], { type: 'application/pdf' }), 'application/pdf')),

  documents: (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/signed-documents`, { schema: z.array(SignedDocument) }),
  verification: (id: string) => api.call('GET', `/api/signed-documents/${enc(id)}/verification`, { schema: VerificationReport }),
  upload: async (meetingId: string, file: File, title: string, documentKey?: string) => {
    const q = new URLSearchParams({ title, fileName: file.name.slice(0, 200) || 'document.pdf', ...(documentKey ? { documentKey } : {}) });
    return parse(SignedDocument, await send('POST', `/api/meetings/${enc(meetingId)}/signed-documents?${q}`, () => file, 'application/pdf'));
  },
  signP12: async (id: string, p12: File, password: string, title: string) =>
    parse(
      SignedDocument,
      await send('POST', `/api/signed-documents/${enc(id)}/sign`, () => {
        const form = new FormData();
        form.set('password', password);
        form.set('title', title);
        form.set('p12', p12, p12.name || 'id.p12');
        return form;
      }),
    ),
  prepare: (id: string, certificates: string[], title: string) => api.call('POST', `/api/signed-documents/${enc(id)}/prepare`, { body: { certificates, title }, schema: PreparedSigning }),
  finish: (id: string, preparationId: string, signature: string) => api.call('POST', `/api/signed-documents/${enc(id)}/finish`, { body: { preparationId, signature }, schema: SignedDocument }),
  fileUrl: async (id: string) => new URL(`/api/signed-documents/${enc(id)}/file`, (await serverUrl()) ?? window.location.origin).toString(),
};
