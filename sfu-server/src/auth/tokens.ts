/**
 * Session tokens: a short-lived signed access token (JWT, HS256) naming the account and session,
 * and a long-lived opaque refresh token stored only as its SHA-256 hash, rotated at each refresh
 * (a rotated-away token presented again ends the whole session: see AuthService.refresh).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jwtVerify, SignJWT } from 'jose';

export const ACCESS_TTL_SECONDS = 15 * 60;

/** How long sessions last; see AuthService.refresh. */
export interface SessionLifetimes {
  /** Sliding: a session unused (not refreshed) this long ends (SESSION_IDLE_DAYS). */
  idleSeconds: number;
  /** Absolute: no session lasts longer than this from its login, however often refreshed (SESSION_MAX_DAYS). */
  maxSeconds: number;
  /**
   * How long after a rotation the token just rotated away from still gets an access token (and no
   * new refresh token) instead of counting as a replay: two tabs of one browser refreshing at the
   * same moment send the same cookie.
   */
  graceSeconds: number;
}

export const DEFAULT_LIFETIMES: SessionLifetimes = { idleSeconds: 7 * 24 * 3600, maxSeconds: 30 * 24 * 3600, graceSeconds: 20 };

export interface AccessClaims {
  sub: string;
  sid: string;
}

export class TokenSigner {
  readonly #key: Uint8Array;

  constructor(secret: Uint8Array) {
    if (secret.length < 32) throw new Error('token secret must be at least 32 bytes');
    this.#key = secret;
  }

  /** The secret from AUTH_SECRET, or one made on first start and kept in the data folder. */
  static fromDataDir(dataDir: string, envSecret?: string): TokenSigner {
    if (envSecret) return new TokenSigner(Buffer.from(envSecret, 'utf8'));
    const file = path.join(dataDir, 'auth-secret.key');
    fs.mkdirSync(dataDir, { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' });
    return new TokenSigner(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8'));
  }

  async signAccess(claims: AccessClaims, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(now + ACCESS_TTL_SECONDS * 1000);
    const token = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .setIssuer('phong-hop')
      .sign(this.#key);
    return { token, expiresAt };
  }

  /** The claims of a valid, unexpired token, or null. */
  async verifyAccess(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: 'phong-hop', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') return null;
      return { sub: payload.sub, sid: payload['sid'] };
    } catch {
      return null;
    }
  }
}

export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
