/**
 * Cross-site WebSocket hijacking guard for the upgrades (/ws, /collab/…). Browsers send the session
 * cookie with a WebSocket upgrade from any page, and WebSockets are not subject to CORS, so a page
 * on another site could otherwise open the signaling or collaboration socket in the visitor's name.
 * Browsers always send `Origin` with an upgrade; it must be the server's own origin:
 * - the origin whose host (host:port) is the request's `Host` (or, behind a trusted proxy,
 *   `X-Forwarded-Host`): the web client served by this server, and the desktop app, which loads
 *   the client from the configured server address, so its page's origin is the server's;
 * - or one listed in `PUBLIC_ORIGINS` (the addresses users reach the server by, when a proxy
 *   rewrites `Host`).
 * An upgrade without `Origin` is not from a browser (a script, a y-websocket client in Node, a
 * bridge-point device): no visitor's cookie rides along with it, it needs its token as always.
 */
import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** Extra allowed origins (`scheme://host[:port]`), normalised. */
  publicOrigins: ReadonlySet<string>;
  /** Trust `X-Forwarded-Host` (the server is behind a reverse proxy: TRUST_PROXY). */
  trustProxy: boolean;
}

/** `https://Host:443/` → `https://host`; null when it is not an http(s) origin. */
export function normaliseOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin;
}

/** Parses `PUBLIC_ORIGINS` (comma- or space-separated); throws on an entry that is not an origin. */
export function parsePublicOrigins(value: string | undefined): Set<string> {
  const set = new Set<string>();
  for (const entry of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    const origin = normaliseOrigin(entry);
    if (!origin) throw new Error(`PUBLIC_ORIGINS: not an http(s) origin: ${entry}`);
    set.add(origin);
  }
  return set;
}

const first = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h?.split(',')[0]?.trim());

/** Why the upgrade is refused, or null when its origin is allowed (or it has none). */
export function refusedOrigin(req: IncomingMessage, policy: OriginPolicy): string | null {
  const raw = req.headers.origin;
  if (raw === undefined) return null;
  const origin = normaliseOrigin(raw);
  if (!origin) return `origin ${raw} is not allowed`;
  if (policy.publicOrigins.has(origin)) return null;
  const hosts = [req.headers.host, policy.trustProxy ? first(req.headers['x-forwarded-host']) : undefined].filter((h): h is string => Boolean(h));
  const host = new URL(origin).host;
  for (const h of hosts) {
    // `Host` carries the port only when it is not the scheme's default, as URL.host does.
    const asUrl = normaliseOrigin(`${origin.slice(0, origin.indexOf('://'))}://${h}`);
    if (asUrl && new URL(asUrl).host === host) return null;
  }
  return `origin ${origin} is not allowed`;
}
