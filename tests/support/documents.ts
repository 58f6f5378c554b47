/** Test helpers for the meeting pack: multipart uploads through the real HTTP route. */
import type { TestApi } from './api-client';

export interface UploadResult {
  status: number;
  body: any;
}

/** POSTs one file as multipart/form-data (the browser's shape) to an upload route. */
export async function uploadFile(api: TestApi, path: string, bytes: Uint8Array, fileName: string, type = 'application/pdf'): Promise<UploadResult> {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), fileName);
  const headers: Record<string, string> = {};
  if (api.token) headers['authorization'] = `Bearer ${api.token}`;
  const res = await fetch(api.baseUrl + path, { method: 'POST', headers, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Downloads a version's file; returns status, headers and bytes. */
export async function downloadFile(api: TestApi, documentId: string, versionId: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const headers: Record<string, string> = {};
  if (api.token) headers['authorization'] = `Bearer ${api.token}`;
  const res = await fetch(`${api.baseUrl}/api/documents/${documentId}/versions/${versionId}/file`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
