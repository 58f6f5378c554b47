/**
 * The viewer's token in the broadcast's URL path (`/live/<meetingId>/<token>/…`): who (account and
 * session), which meeting, until when, signed with HMAC-SHA256 under a key of the server
 * (`DATA_DIR/broadcast-secret.key`, made on first use). A path token rather than a cookie because:
 * the playlist's segment URIs are relative, so every fetch carries it without a player hook
 * (hls.js, Safari's native HLS, a cache in front); access cookies last 15 minutes, a meeting hours;
 * and an nginx in front can authorise one token once (auth_request, cached) for thousands of
 * requests. The token only opens the door: each request is also checked against the session and the
 * meeting's rules as they are now (cached a few seconds, see `broadcast-service.ts`).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface WatchClaims {
  meetingId: string;
  accountId: string;
  sessionId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const TOKEN = /^[A-Za-z0-9_-]{16,400}\.[A-Za-z0-9_-]{43}$/;

export class WatchTokens {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the broadcast key must have at least 32 bytes');
    this.#key = key;
  }

  static fromDataDir(dataDir: string): WatchTokens {
    const file = path.join(dataDir, 'broadcast-secret.key');
    try {
      return new WatchTokens(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    fs.mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(32);
    try {
      fs.writeFileSync(file, key.toString('base64url'), { mode: 0o600, flag: 'wx' });
      return new WatchTokens(key);
    } catch {
      // Another process made it first: use theirs.
      return new WatchTokens(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url'));
    }
  }

  sign(claims: WatchClaims): string {
    const body = Buffer.from(JSON.stringify([claims.meetingId, claims.accountId, claims.sessionId, claims.exp])).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The claims of a well-formed, untampered, unexpired token; null otherwise. */
  verify(token: string, now = Date.now()): WatchClaims | null {
    if (!TOKEN.test(token)) return null;
    const [body, mac] = token.split('.') as [string, string];
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const [meetingId, accountId, sessionId, exp] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [unknown, unknown, unknown, unknown];
      if (typeof meetingId !== 'string' || typeof accountId !== 'string' || typeof sessionId !== 'string' || typeof exp !== 'number') return null;
      if (exp * 1000 <= now) return null;
      return { meetingId, accountId, sessionId, exp };
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}
