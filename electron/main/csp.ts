/**
 * The Content-Security-Policy the main process adds (through `session.webRequest.onHeadersReceived`)
 * to the pages the window loads. Pure: no Electron.
 */
import { httpOriginOf, isServerUrl, type TrustPolicy, webSocketOriginFor } from './url.js';

export interface CspOptions {
  /** Origin of the configured server (`https://host[:port]`), or null on the setup page before the first run. */
  serverOrigin: string | null;
}

const CSP_HEADER = 'content-security-policy';

/**
 * default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:;
 * style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:;
 * connect-src 'self' ws(s)://<server>; font-src 'self' data:; object-src 'none';
 * frame-ancestors 'none'; base-uri 'none'
 */
export function buildContentSecurityPolicy(options: CspOptions): string {
  const connectSrc = ["'self'"];
  if (options.serverOrigin !== null) {
    // Only a canonical http(s) origin may reach the header: anything else could smuggle directives.
    if (httpOriginOf(options.serverOrigin) !== options.serverOrigin) {
      throw new Error(`invalid server origin for CSP: ${JSON.stringify(options.serverOrigin)}`);
    }
    connectSrc.push(webSocketOriginFor(options.serverOrigin));
  }
  const directives: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['media-src', ["'self'", 'blob:', 'mediastream:']],
    ['connect-src', connectSrc],
    ['font-src', ["'self'", 'data:']],
    ['object-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** The policy is added to responses from the server's origin and to file: pages (the bundled setup page). */
export function shouldApplyCsp(url: string, policy: Pick<TrustPolicy, 'serverOrigin'>): boolean {
  if (isServerUrl(url, policy)) return true;
  return url.startsWith('file:');
}

export type ResponseHeaders = Record<string, string | string[]>;

/**
 * Adds `policy` as one more Content-Security-Policy header. A policy the server already sends is kept:
 * browsers enforce every CSP header, so the result is never weaker than either.
 */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined, policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let cspKey: string | null = null;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? [...value] : [value];
    if (name.toLowerCase() === CSP_HEADER) {
      if (cspKey === null) {
        cspKey = name;
        result[name] = values;
      } else {
        result[cspKey]!.push(...values);
      }
      continue;
    }
    result[name] = values;
  }
  const key = cspKey ?? 'Content-Security-Policy';
  result[key] = [...(result[key] ?? []), policy];
  return result;
}
