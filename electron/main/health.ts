/**
 * The setup screen's server check: GET `${url}/api/health` must answer JSON `{ "status": "ok" }`
 * within the time limit. The fetch function is injected (Electron's `net.fetch` in the app, which
 * uses Chromium's network stack: system proxy settings and the OS certificate store).
 */
import { httpOriginOf } from './url.js';

export const HEALTH_TIMEOUT_MS = 5_000;
export const MAX_HEALTH_BODY_CHARS = 64 * 1024;

export interface HealthResponseLike {
  readonly ok: boolean;
  readonly status: number;
  /** Final URL after redirects ('' when unknown). */
  readonly url: string;
  text(): Promise<string>;
}

export interface HealthRequestInit {
  method: 'GET';
  signal: AbortSignal;
  headers: Record<string, string>;
  cache: 'no-store';
  redirect: 'follow';
  credentials: 'omit';
}

export type HealthFetch = (url: string, init: HealthRequestInit) => Promise<HealthResponseLike>;

export type HealthResult = { ok: true } | { ok: false; error: string };

class HealthTimeout extends Error {}

/** `serverUrl` must already be normalised by `parseServerUrl` (no trailing slash). */
export async function checkServerHealth(
  serverUrl: string,
  fetchImpl: HealthFetch,
  options: { timeoutMs?: number } = {},
): Promise<HealthResult> {
  const timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const seconds = Math.round(timeoutMs / 100) / 10;
  const expectedOrigin = httpOriginOf(serverUrl);
  if (expectedOrigin === null) return { ok: false, error: 'Địa chỉ máy chủ không hợp lệ.' };

  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new HealthTimeout());
    }, timeoutMs);
  });

  const attempt = async (): Promise<HealthResult> => {
    const response = await fetchImpl(`${serverUrl}/api/health`, {
      method: 'GET',
      signal: controller.signal,
      headers: { accept: 'application/json' },
      cache: 'no-store',
      redirect: 'follow',
      credentials: 'omit',
    });
    const finalOrigin = response.url === '' ? expectedOrigin : httpOriginOf(response.url);
    if (finalOrigin !== expectedOrigin) {
      return {
        ok: false,
        error: `Máy chủ chuyển hướng sang ${finalOrigin ?? 'một địa chỉ khác'}. Hãy nhập trực tiếp địa chỉ đó.`,
      };
    }
    if (!response.ok) {
      return { ok: false, error: `Máy chủ trả về lỗi HTTP ${response.status} cho /api/health.` };
    }
    const body = await response.text();
    if (body.length > MAX_HEALTH_BODY_CHARS) {
      return { ok: false, error: 'Địa chỉ này không phải máy chủ Phòng họp (phản hồi /api/health quá lớn).' };
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, error: 'Địa chỉ này không phải máy chủ Phòng họp (phản hồi /api/health không phải JSON).' };
    }
    const status = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).status : undefined;
    if (status !== 'ok') {
      const shown = typeof status === 'string' ? status.slice(0, 40) : 'không rõ';
      return { ok: false, error: `Máy chủ Phòng họp chưa sẵn sàng (trạng thái: ${shown}).` };
    }
    return { ok: true };
  };

  try {
    return await Promise.race([attempt(), timeout]);
  } catch (error) {
    if (error instanceof HealthTimeout || controller.signal.aborted) {
      return { ok: false, error: `Máy chủ không phản hồi trong ${seconds} giây.` };
    }
    const detail = error instanceof Error && error.message ? ` (${error.message.slice(0, 200)})` : '';
    return { ok: false, error: `Không kết nối được tới máy chủ${detail}.` };
  } finally {
    clearTimeout(timer);
    // The losing branch of the race must not surface as an unhandled rejection.
    timeout.catch(() => undefined);
  }
}
