/**
 * Logging in and out, refreshing sessions, and turning an access token into an Actor. Every
 * authentication re-checks the session and the account, so logout and disabling take effect at once.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Account } from '../../../common/api/model';
import { AppError } from '../errors';
import type { Db } from '../store/database';
import type { AccountsTable } from '../store/schema';
import { audit } from '../store/audit';
import { accountFromRow } from '../meetings/rows';
import { LoginLimiter } from './login-limiter';
import { DUMMY_HASH, verifyPassword } from './passwords';
import type { Actor } from './policy';
import { DEFAULT_LIFETIMES, hashRefreshToken, newRefreshToken, type SessionLifetimes, type TokenSigner } from './tokens';

export interface IssuedSession {
  account: Account;
  accessToken: string;
  expiresAt: string;
  /** Absent when a concurrent refresh already rotated the token (grace window): keep the one it got. */
  refreshToken?: string;
  refreshExpiresAt: string;
}

export class AuthService {
  readonly #limiter = new LoginLimiter();
  readonly #lifetimes: SessionLifetimes;
  readonly #now: () => number;

  constructor(
    readonly db: Db,
    readonly signer: TokenSigner,
    /** Told when a session ends at logout or on a replayed refresh token (its connections are closed). */
    readonly onSessionEnded: (sessionId: string) => void = () => {},
    lifetimes: Partial<SessionLifetimes> = {},
    /** The clock (tests move it on). */
    now: () => number = Date.now,
  ) {
    this.#lifetimes = { ...DEFAULT_LIFETIMES, ...lifetimes };
    this.#now = now;
  }

  async login(username: string, password: string, address: string): Promise<IssuedSession & { refreshToken: string }> {
    // The attempt is counted before the slow hash, so guesses sent in parallel cannot all be checked.
    const attempt = this.#limiter.reserve(username, address, this.#now());
    if ('retryAfterSeconds' in attempt) {
      const wait = attempt.retryAfterSeconds;
      throw new AppError('rate_limited', `too many failed logins; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
    let row: Selectable<AccountsTable> | undefined;
    let ok: boolean;
    try {
      row = await this.db.selectFrom('accounts').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
      ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    } catch (err) {
      attempt.abandon();
      throw err;
    }
    if (!row || !ok || row.disabled) {
      attempt.fail(this.#now());
      await audit(this.db, { actorId: row?.id ?? null, action: 'auth.login_failed', targetType: 'account', targetId: row?.id ?? null, details: { username, address } });
      throw new AppError('unauthorized', row?.disabled && ok ? 'account disabled' : 'wrong username or password');
    }
    attempt.succeed();
    const sessionId = randomUUID();
    const refresh = newRefreshToken();
    const now = this.#now();
    const absolute = new Date(now + this.#lifetimes.maxSeconds * 1000).toISOString();
    const refreshExpiresAt = this.#idleExpiry(now, absolute);
    await this.db
      .insertInto('sessions')
      .values({
        id: sessionId,
        account_id: row.id,
        refresh_hash: refresh.hash,
        created_at: new Date(now).toISOString(),
        expires_at: refreshExpiresAt,
        absolute_expires_at: absolute,
        previous_refresh_hash: null,
        rotated_at: null,
        revoked_at: null,
      })
      .execute();
    // Retired tokens older than the longest session cannot belong to a live session any more.
    await this.db.deleteFrom('retired_refresh_tokens').where('retired_at', '<', new Date(now - this.#lifetimes.maxSeconds * 1000).toISOString()).execute();
    await audit(this.db, { actorId: row.id, action: 'auth.login', targetType: 'session', targetId: sessionId, details: { address } });
    const access = await this.signer.signAccess({ sub: row.id, sid: sessionId }, now);
    return { account: accountFromRow(row), accessToken: access.token, expiresAt: access.expiresAt.toISOString(), refreshToken: refresh.token, refreshExpiresAt };
  }

  #absoluteExpiry(session: { created_at: string; absolute_expires_at: string | null }): string {
    return session.absolute_expires_at ?? new Date(Date.parse(session.created_at) + this.#lifetimes.maxSeconds * 1000).toISOString();
  }

  #idleExpiry(now: number, absoluteExpiresAt: string): string {
    const idle = new Date(now + this.#lifetimes.idleSeconds * 1000).toISOString();
    return idle < absoluteExpiresAt ? idle : absoluteExpiresAt;
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token (rotation). The
   * session ends when unused for the idle time, and at the latest its absolute lifetime after login.
   * A token the session has already rotated away from is a replay (someone copied it): the whole
   * session is revoked, its connections closed and the event audited — except the token rotated
   * away from in the last `graceSeconds`, which two tabs refreshing at once legitimately both send:
   * it gets an access token and no new refresh token (the other request's one stands).
   */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const hash = hashRefreshToken(refreshToken);
    const now = this.#now();
    const nowIso = new Date(now).toISOString();
    const session = await this.db.selectFrom('sessions').selectAll().where('refresh_hash', '=', hash).executeTakeFirst();
    if (!session) return this.#notCurrent(hash, now);
    const absolute = this.#absoluteExpiry(session);
    if (session.revoked_at || session.expires_at < nowIso || absolute < nowIso) throw new AppError('unauthorized', 'session expired');
    const row = await this.#activeAccount(session.account_id);
    const next = newRefreshToken();
    const refreshExpiresAt = this.#idleExpiry(now, absolute);
    const rotated = await this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('sessions')
        .set({ refresh_hash: next.hash, expires_at: refreshExpiresAt, previous_refresh_hash: hash, rotated_at: nowIso })
        .where('id', '=', session.id)
        .where('refresh_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await tx.insertInto('retired_refresh_tokens').values({ hash, session_id: session.id, retired_at: nowIso }).execute();
      return true;
    });
    // Another request rotated this very token a moment ago (or the session just ended).
    if (!rotated) return this.#notCurrent(hash, now);
    const access = await this.signer.signAccess({ sub: row.id, sid: session.id }, now);
    return { account: accountFromRow(row), accessToken: access.token, expiresAt: access.expiresAt.toISOString(), refreshToken: next.token, refreshExpiresAt };
  }

  async #activeAccount(accountId: string): Promise<Selectable<AccountsTable>> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!row || row.disabled) throw new AppError('unauthorized', 'account disabled');
    return row;
  }

  /** A refresh token that is not its session's current one: unknown, within the grace window, or replayed. */
  async #notCurrent(hash: string, now: number): Promise<IssuedSession> {
    const nowIso = new Date(now).toISOString();
    const retired = await this.db
      .selectFrom('retired_refresh_tokens')
      .innerJoin('sessions', 'sessions.id', 'retired_refresh_tokens.session_id')
      .select([
        'sessions.id',
        'sessions.account_id',
        'sessions.revoked_at',
        'sessions.created_at',
        'sessions.expires_at',
        'sessions.absolute_expires_at',
        'sessions.previous_refresh_hash',
        'sessions.rotated_at',
      ])
      .where('retired_refresh_tokens.hash', '=', hash)
      .executeTakeFirst();
    if (!retired || retired.revoked_at) throw new AppError('unauthorized', 'session expired');
    const inGrace =
      retired.previous_refresh_hash === hash && retired.rotated_at !== null && now - Date.parse(retired.rotated_at) <= this.#lifetimes.graceSeconds * 1000;
    if (inGrace && retired.expires_at >= nowIso && this.#absoluteExpiry(retired) >= nowIso) {
      const row = await this.#activeAccount(retired.account_id);
      const access = await this.signer.signAccess({ sub: row.id, sid: retired.id }, now);
      return { account: accountFromRow(row), accessToken: access.token, expiresAt: access.expiresAt.toISOString(), refreshExpiresAt: retired.expires_at };
    }
    // A replay: whoever holds the session's tokens now (the owner or a thief) loses them all.
    const revoked = await this.db.updateTable('sessions').set({ revoked_at: nowIso }).where('id', '=', retired.id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(revoked.numUpdatedRows) === 1) {
      await audit(this.db, { actorId: retired.account_id, action: 'auth.refresh_reused', targetType: 'session', targetId: retired.id, details: { rotatedAt: retired.rotated_at } });
      this.onSessionEnded(retired.id);
    }
    throw new AppError('unauthorized', 'session ended: a refresh token was used twice; sign in again');
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
