/**
 * HTTP calls of the meeting pack. JSON calls go through the app's ApiClient; uploads use
 * XMLHttpRequest for its upload progress, and files are fetched as bytes; both refresh the
 * session once on 401, like the ApiClient does.
 */
import { z } from 'zod';
import { DocComment, DocumentPack, MeetingDocument, type DocumentPatch } from '../../../../common/api/documents';
import { ApiError } from '../../../../common/api/model';
import { api, ApiRequestError } from '../../net/api-client';
import { connectivity } from '../../offline/connectivity';
import { serverUrl } from '../../platform/desktop';

const enc = encodeURIComponent;

export const pack = (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/documents`, { schema: DocumentPack });
export const publishPack = (meetingId: string) => api.call('POST', `/api/meetings/${enc(meetingId)}/documents/publish`, { schema: DocumentPack });
export const setPackWatermark = (meetingId: string, watermark: boolean) => api.call('PUT', `/api/meetings/${enc(meetingId)}/documents/settings`, { body: { watermark }, schema: DocumentPack });
export const updateDocument = (id: string, body: z.input<typeof DocumentPatch>) => api.call('PATCH', `/api/documents/${enc(id)}`, { body, schema: MeetingDocument });
export const deleteDocument = (id: string) => api.call('DELETE', `/api/documents/${enc(id)}`);
export const comments = (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/comments`, { schema: z.array(DocComment) });
export const addComment = (meetingId: string, body: { agendaItemId?: string; documentId?: string; parentId?: string; body: string }) =>
  api.call('POST', `/api/meetings/${enc(meetingId)}/comments`, { body, schema: DocComment });

export const uploadPath = (meetingId: string, agendaItemId: string) => `/api/meetings/${enc(meetingId)}/documents?agendaItemId=${enc(agendaItemId)}`;
export const versionUploadPath = (documentId: string) => `/api/documents/${enc(documentId)}/versions`;
export const filePath = (documentId: string, versionId: string) => `/api/documents/${enc(documentId)}/versions/${enc(versionId)}/file`;

async function url(path: string): Promise<string> {
  const base = await serverUrl();
  if (!base) throw new ApiRequestError(0, 'network', 'apiErrors.network', 'no server address');
  return new URL(path, base).toString();
}

async function errorOf(status: number, text: string): Promise<ApiRequestError> {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const parsed = ApiError.safeParse(body);
  if (parsed.success) return new ApiRequestError(status, parsed.data.code, parsed.data.messageKey, parsed.data.message, parsed.data.details);
  const code = status === 413 ? 'too_large' : status === 404 ? 'not_found' : status === 403 ? 'forbidden' : status >= 500 ? 'internal' : 'bad_request';
  return new ApiRequestError(status, code, status === 413 ? 'documents.errors.tooLarge' : `apiErrors.${code}`, `HTTP ${status}`);
}

/** The bytes of a version's PDF. */
export async function fetchFile(documentId: string, versionId: string): Promise<Uint8Array> {
  const target = await url(filePath(documentId, versionId));
  const get = () =>
    fetch(target, { credentials: 'include', cache: 'no-store' }).then(
      (res) => {
        connectivity.reached();
        return res;
      },
      (err: unknown) => {
        connectivity.unreachable();
        throw new ApiRequestError(0, 'network', 'apiErrors.network', err instanceof Error ? err.message : String(err));
      },
    );
  let res = await get();
  if (res.status === 401 && (await api.refresh())) res = await get();
  if (!res.ok) throw await errorOf(res.status, await res.text());
  return new Uint8Array(await res.arrayBuffer());
}

export interface UploadHandle {
  promise: Promise<MeetingDocument>;
  abort: () => void;
}

/** Uploads one file as multipart/form-data, reporting progress (0–1). */
export function uploadFile(path: string, file: File, onProgress: (fraction: number) => void): UploadHandle {
  let xhr: XMLHttpRequest | null = null;
  let aborted = false;
  const once = (target: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      xhr = new XMLHttpRequest();
      xhr.open('POST', target);
      xhr.withCredentials = true;
      xhr.setRequestHeader('accept', 'application/json');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => resolve({ status: xhr!.status, text: xhr!.responseText });
      xhr.onerror = () => reject(new ApiRequestError(0, 'network', 'apiErrors.network', 'upload failed'));
      xhr.onabort = () => reject(new ApiRequestError(0, 'aborted', 'documents.upload.aborted', 'upload cancelled'));
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  const promise = (async () => {
    const target = await url(path);
    let res = await once(target);
    if (res.status === 401 && !aborted && (await api.refresh())) res = await once(target);
    if (res.status >= 300) throw await errorOf(res.status, res.text);
    onProgress(1);
    return MeetingDocument.parse(JSON.parse(res.text));
  })();
  return {
    promise,
    abort: () => {
      aborted = true;
      (xhr as XMLHttpRequest | null)?.abort();
    },
  };
}
