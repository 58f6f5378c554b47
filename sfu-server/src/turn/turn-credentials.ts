/**
 * Short-lived TURN credentials in the scheme coturn checks with `use-auth-secret` /
 * `static-auth-secret` (the "TURN REST API" draft, draft-uberti-behave-turn-rest-00):
 *
 *   username   = "<expiry, Unix seconds>:<user id>"
 *   credential = base64(HMAC-SHA1(shared secret, username))
 *
 * coturn recomputes the HMAC with the same secret and refuses a username whose time has passed,
 * so the server hands out credentials without talking to coturn, and a leaked credential is
 * worthless after its expiry. For networks where only TCP 443 is open, TURN_URLS names a
 * `turns:` (TURN over TLS) address on port 443; see the README for coturn's set-up.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../../common/protocol';

export interface TurnSettings {
  secret: string;
  urls: string[];
  ttlSeconds: number;
}

/** TURN_URLS: comma-separated `turn:` / `turns:` URIs (RFC 7065). Throws on anything else. */
export function parseTurnUrls(value: string): string[] {
  const urls = value
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of urls) {
    if (!/^turns?:[^\s?]+(\?transport=(udp|tcp))?$/.test(u)) throw new Error(`TURN_URLS: not a turn:/turns: URI: ${u}`);
  }
  return urls;
}

export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** Credentials for one user, valid `ttlSeconds` from `nowMs`. */
export function turnIceServer(settings: TurnSettings, userId: string, nowMs: number): { iceServer: IceServer; expiresAt: number } {
  const expiry = Math.floor(nowMs / 1000) + settings.ttlSeconds;
  // coturn takes the part after the first ':' as the user name; keep it free of ':' anyway.
  const username = `${expiry}:${userId.replace(/:/g, '_')}`;
  return { iceServer: { urls: settings.urls, username, credential: turnCredential(settings.secret, username) }, expiresAt: expiry * 1000 };
}
