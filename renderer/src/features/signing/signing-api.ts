/**
 * HTTP calls of the signatures feature. JSON calls go through the shared ApiClient; PDFs are sent
 * and fetched raw here, with the same cookies, one refresh on 401 and the same errors. Nothing here
 * sends a private key or a password: signatures are made on the device (device-sign.ts).
 */
import { z } from 'zod';
import { ApiError } from '../../../../common/api/model';
import { PreparedSigning, SignedDocument, TrustAnchor, VerificationReport } from '../../../../common/api/signing';
import { api, ApiRequestError } from '../../net/api-client';
import { serverUrl } from '../../platform/desktop';

async function request(method: 'GET' | 'POST', path: string, body?: () => BodyInit, contentType?: string): Promise<Response> {
  const base = await serverUrl();
  if (!base) throw new ApiRequestError(0, 'network', 'apiErrors.network', 'no server address');
  const once = async () => {
    try {
      return await fetch(new URL(path, base), { method, credentials: 'include', cache: 'no-store', headers: { accept: method === 'GET' ? '*/*' : 'application/json', ...(contentType ? { 'content-type': contentType } : {}) }, ...(body ? { body: body() } : {}) });
    } catch (err) {
      throw new ApiRequestError(0, 'network', 'apiErrors.network', err instanceof Error ? err.message : String(err));
    }
  };
  let res = await once();
  if (res.status === 401 && (await api.refresh())) res = await once();
  return res;
}

async function failure(res: Response): Promise<ApiRequestError> {
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  const e = ApiError.safeParse(json);
  if (e.success) return new ApiRequestError(res.status, e.data.code, e.data.messageKey, e.data.message, e.data.details);
  return new ApiRequestError(res.status, 'bad_request', 'apiErrors.bad_request', `HTTP ${res.status}`);
}

/** A PDF as bytes. */
async function bytes(path: string): Promise<Uint8Array> {
  const res = await request('GET', path);
  if (!res.ok) throw await failure(res);
  return new Uint8Array(await res.arrayBuffer());
}

async function send(method: 'POST', path: string, body: () => BodyInit, contentType?: string): Promise<unknown> {
  const res = await request(method, path, body, contentType);
  if (!res.ok) throw await failure(res);
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
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
  prepare: (id: string, certificates: string[], title: string) => api.call('POST', `/api/signed-documents/${enc(id)}/prepare`, { body: { certificates, title }, schema: PreparedSigning }),
  /** The version's bytes and the prepared PDF, for the device to check and hash itself. */
  fileBytes: (id: string) => bytes(`/api/signed-documents/${enc(id)}/file`),
  preparedBytes: (id: string, preparationId: string) => bytes(`/api/signed-documents/${enc(id)}/preparations/${enc(preparationId)}/file`),
  finish: (id: string, body: { preparationId: string; signedAttributes: string; signature: string }) => api.call('POST', `/api/signed-documents/${enc(id)}/finish`, { body, schema: SignedDocument }),
  fileUrl: async (id: string) => new URL(`/api/signed-documents/${enc(id)}/file`, (await serverUrl()) ?? window.location.origin).toString(),
};
