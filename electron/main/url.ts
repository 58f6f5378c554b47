/**
 * Server-address parsing and the trust decisions that depend on it (which pages may navigate where,
 * which frames may talk to the main process). Pure: no Electron, no I/O.
 */

export const MAX_SERVER_URL_LENGTH = 2048;

export type ServerUrlResult =
  | { ok: true; /** Normalised base URL, no trailing slash: `https://host[:port][/path]`. */ url: string; origin: string }
  | { ok: false; error: string };

const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;
// Whitespace and control characters anywhere in the address are refused rather than silently dropped
// (the URL parser strips tabs and newlines, which would hide what the user actually typed).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\s\u0000-\u001f\u007f]/;

function fail(error: string): ServerUrlResult {
  return { ok: false, error };
}

/**
 * Validates and normalises the address typed on the setup screen. Accepts only http and https, no
 * credentials, no query or fragment. An address without a scheme (`phonghop.example.vn`) is taken as
 * https. The error messages are shown to the user as they are.
 */
export function parseServerUrl(input: unknown): ServerUrlResult {
  if (typeof input !== 'string') return fail('Địa chỉ máy chủ phải là một chuỗi ký tự.');
  const trimmed = input.trim();
  if (trimmed.length === 0) return fail('Vui lòng nhập địa chỉ máy chủ.');
  if (trimmed.length > MAX_SERVER_URL_LENGTH) return fail('Địa chỉ máy chủ quá dài.');
  if (FORBIDDEN_CHARS.test(trimmed)) return fail('Địa chỉ máy chủ không được chứa khoảng trắng hoặc ký tự điều khiển.');

  const candidate = SCHEME_PREFIX.test(trimmed) ? trimmed : `https://${trimmed}`;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return fail('Địa chỉ máy chủ không hợp lệ (ví dụ đúng: https://phonghop.example.gov.vn).');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return fail('Chỉ hỗ trợ địa chỉ bắt đầu bằng http:// hoặc https://.');
  }
  if (parsed.hostname.length === 0) return fail('Địa chỉ máy chủ thiếu tên miền hoặc địa chỉ IP.');
  if (parsed.username !== '' || parsed.password !== '') {
    return fail('Địa chỉ máy chủ không được chứa tên đăng nhập hoặc mật khẩu.');
  }
  if (parsed.search !== '' || parsed.hash !== '' || candidate.includes('?') || candidate.includes('#')) {
    return fail('Địa chỉ máy chủ không được chứa tham số truy vấn (?) hoặc phân đoạn (#).');
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  return { ok: true, url: `${parsed.origin}${path}`, origin: parsed.origin };
}

/** The origin of an http(s) URL or origin string; null for anything else (file:, data:, opaque, garbage). */
export function httpOriginOf(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SERVER_URL_LENGTH * 2) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.origin;
}

/** `https://host:8443` → `wss://host:8443`, `http://host` → `ws://host`. */
export function webSocketOriginFor(serverOrigin: string): string {
  const origin = httpOriginOf(serverOrigin);
  if (origin === null || origin !== serverOrigin) throw new Error(`not an http(s) origin: ${serverOrigin}`);
  return origin.startsWith('https:') ? `wss:${origin.slice('https:'.length)}` : `ws:${origin.slice('http:'.length)}`;
}

/** What the main process trusts right now: the configured server and the bundled setup page. */
export interface TrustPolicy {
  /** Origin of the configured server, or null before the first run. */
  serverOrigin(): string | null;
  /** `file://…/renderer/dist/index.html` (from `pathToFileURL`). */
  readonly setupPageUrl: string;
  /** Compare file paths case-insensitively (Windows, macOS default volumes). */
  readonly caseInsensitivePaths?: boolean;
}

function filePathOf(value: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'file:') return null;
  // A file URL with a host (file://server/share) is a network path: never the bundled page.
  if (parsed.host !== '') return null;
  try {
    return decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
}

/** True when `url` is the bundled setup page (any hash or query, same file). */
export function isSetupPageUrl(url: string, policy: Pick<TrustPolicy, 'setupPageUrl' | 'caseInsensitivePaths'>): boolean {
  const actual = filePathOf(url);
  const expected = filePathOf(policy.setupPageUrl);
  if (actual === null || expected === null) return false;
  return policy.caseInsensitivePaths === true ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
}

/** True when `url` belongs to the configured server's origin. */
export function isServerUrl(url: string, policy: Pick<TrustPolicy, 'serverOrigin'>): boolean {
  const serverOrigin = policy.serverOrigin();
  return serverOrigin !== null && httpOriginOf(url) === serverOrigin;
}

/** Pages the window may show: the configured server or the bundled setup page. */
export function isTrustedPageUrl(url: string, policy: TrustPolicy): boolean {
  return isServerUrl(url, policy) || isSetupPageUrl(url, policy);
}

/** `will-navigate` / `will-redirect`: allowed only within the server origin or to the setup page. */
export function isNavigationAllowed(url: string, policy: TrustPolicy): boolean {
  return isTrustedPageUrl(url, policy);
}

/**
 * `setWindowOpenHandler`: every new window is denied; https links are handed to the OS browser.
 * Returns true when the URL may be passed to `shell.openExternal`.
 */
export function shouldOpenExternally(url: string): boolean {
  if (typeof url !== 'string' || url.length > MAX_SERVER_URL_LENGTH * 2) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.hostname !== '' && parsed.username === '' && parsed.password === '';
}

/** The sending frame of an IPC message, as far as the checks need it (Electron's `WebFrameMain`). */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

/**
 * IPC sender check: the message must come from a top-level frame showing the server's origin or the
 * bundled setup page. Subframes and destroyed frames (null) are refused.
 */
export function isTrustedSenderFrame(frame: FrameLike | null | undefined, policy: TrustPolicy): boolean {
  if (frame === null || frame === undefined) return false;
  if (frame.parent !== null) return false;
  if (typeof frame.url !== 'string') return false;
  return isTrustedPageUrl(frame.url, policy);
}
