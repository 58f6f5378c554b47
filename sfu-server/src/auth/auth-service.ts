/**
 * Logging in and out, refreshing sessions, and turning an access token into an Actor. Every
 * authentication re-checks the session and the account, so logout and disabling take effect at once.
 */
import { randomUUID } from 'node:crypto';
import type { Account } from '../../../common/api/model';
import { AppError } from '../errors';
import type { Db } from '../store/database';
import { audit } from '../store/audit';
import { accountFromRow } from '../meetings/rows';
import { LoginLimiter } from './login-limiter';
import { DUMMY_HASH, verifyPassword } from './passwords';
import type { Actor } from './policy';
import { hashRefreshToken, newRefreshToken, REFRESH_TTL_SECONDS, type TokenSigner } from './tokens';

export interface IssuedSession {
  account: Account;
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
}

export class AuthService {
  readonly #limiter = new LoginLimiter();

  constructor(
    readonly db: Db,
    readonly signer: TokenSigner,
    /** Told when a session ends at logout (its signaling connections are closed). */
    readonly onSessionEnded: (sessionId: string) => void = () => {},
  ) {}

  async login(username: string, password: string, address: string): Promise<IssuedSession> {
    const keys = [`u:${username.toLowerCase()}`, `a:${address}`];
    const wait = this.#limiter.blockedFor(keys);
    if (wait > 0) throw new AppError('rate_limited', `too many failed logins; try again in ${wait} s`, { retryAfterSeconds: wait });
    const row = await this.db.selectFrom('accounts').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.disabled) {
      this.#limiter.fail(keys);
      await audit(this.db, { actorId: row?.id ?? null, action: 'auth.login_failed', targetType: 'account', targetId: row?.id ?? null, details: { username, address } });
      throw new AppError('unauthorized', row?.disabled && ok ? 'account disabled' : 'wrong username or password');
    }
    this.#limiter.succeed(keys);
    const sessionId = randomUUID();
    const refresh = newRefreshToken();
    const now = new Date();
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TTL_SECONDS * 1000).toISOString();
    await this.db
      .insertInto('sessions')
      .values({ id: sessionId, account_id: row.id, refresh_hash: refresh.hash, created_at: now.toISOString(), expires_at: refreshExpiresAt, revoked_at: null })
      .execute();
    await audit(this.db, { actorId: row.id, action: 'auth.login', targetType: 'session', targetId: sessionId, details: { address } });
    const access = await this.signer.signAccess({ sub: row.id, sid: sessionId });
    return { account: accountFromRow(row), accessToken: access.token, expiresAt: access.expiresAt.toISOString(), refreshToken: refresh.token, refreshExpiresAt };
  }

  /** Exchanges a refresh token for a new access token and a new refresh token (rotation). */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const hash = hashRefreshToken(refreshToken);
    const now = new Date();
    const session = await this.db.selectFrom('sessions').selectAll().where('refresh_hash', '=', hash).executeTakeFirst();
    if (!session || session.revoked_at || session.expires_at < now.toISOString()) throw new AppError('unauthorized', 'session expired');
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', session.account_id).executeTakeFirst();
    if (!row || row.disabled) throw new AppError('unauthorized', 'account disabled');
    const next = newRefreshToken();
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TTL_SECONDS * 1000).toISOString();
    const updated = await this.db
      .updateTable('sessions')
      .set({ refresh_hash: next.hash, expires_at: refreshExpiresAt })
      .where('id', '=', session.id)
      .where('refresh_hash', '=', hash)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('unauthorized', 'session expired');
    const access = await this.signer.signAccess({ sub: row.id, sid: session.id });
    return { account: accountFromRow(row), accessToken: access.token, expiresAt: access.expiresAt.toISOString(), refreshToken: next.token, refreshExpiresAt };
  }

  async logout(actor: Actor): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: new Date().toISOString() }).where('id', '=', actor.sessionId).execute();
    await audit(this.db, { actorId: actor.accountId, action: 'auth.logout', targetType: 'session', targetId: actor.sessionId });
    this.onSessionEnded(actor.sessionId);
  }

  /** Ends every session of an account (used when an admin disables it or resets its password). */
  async revokeAll(accountId: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: new Date().toISOString() }).where('account_id', '=', accountId).where('revoked_at', 'is', null).execute();
  }

  /** The actor behind a valid access token whose session and account are still active, or null. */
  async authenticate(accessToken: string): Promise<Actor | null> {
    const claims = await this.signer.verifyAccess(accessToken);
    if (!claims) return null;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select(['accounts.id', 'accounts.role', 'accounts.display_name', 'accounts.unit_id', 'accounts.bridge_point_id', 'accounts.disabled', 'sessions.revoked_at'])
      .where('sessions.id', '=', claims.sid)
      .where('accounts.id', '=', claims.sub)
      .executeTakeFirst();
    if (!row || row.revoked_at || row.disabled) return null;
    return {
      accountId: row.id,
      sessionId: claims.sid,
      role: row.role as Actor['role'],
      displayName: row.display_name,
      unitId: row.unit_id,
      bridgePointId: row.bridge_point_id,
    };
  }
}
