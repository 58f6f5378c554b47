/**
 * Leases for decisions that must be made by one server at a time (the floor of a meeting, a vote's
 * close, the recording), as rows in PostgreSQL with fencing tokens.
 *
 * - A lease is a row `cluster_leases(name, owner, token, expires_at)`. Taking a lapsed (or never
 *   held) lease raises its token by one; the token never goes down, because a released lease keeps
 *   its row and only its expiry is moved to now.
 * - Expiry is judged by the database's clock only (`clock_timestamp()`), never by comparing the
 *   servers' clocks with each other.
 * - Fencing: a write made on behalf of a lease runs in a store transaction that first calls
 *   `checkFence(tx, name, token)`. It reads the lease row `FOR SHARE`, so a takeover (an UPDATE of
 *   that row) waits until the write has committed, and it refuses the write unless the token is
 *   still the current one. A stale owner (paused by a long GC, a frozen VM, a network that delivers
 *   its request late) believes it holds the lease, but its write is refused by the database.
 *
 * PostgreSQL only: several servers need PostgreSQL anyway (the state lives there), and keeping the
 * leases in the same database is what lets a write and its fence check share one transaction.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { ensureClusterTable } from './cluster-schema';

export interface LeaseGrant {
  name: string;
  owner: string;
  /** The fencing token: strictly greater than any earlier grant of the same lease. */
  token: number;
  /** The database's time at which it lapses unless renewed. */
  expiresAt: Date;
}

/** The lease is not (or no longer) this owner's: the write or renewal was refused. */
export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
  constructor(
    readonly lease: string,
    readonly staleToken: number,
    readonly currentToken: number | null,
  ) {
    super(`lease ${lease}: token ${staleToken} is stale (current ${currentToken ?? 'none'})`);
    this.name = 'LeaseLostError';
  }
}

// Any Kysely over PostgreSQL will do (the store's, or one of the cluster's own).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTx = Transaction<any> | Kysely<any>;

/** Key of the advisory lock taken while the table is made (servers may start at the same time). */
const SCHEMA_LOCK = 0x70686c65; // 'phle'

export class PgLeases {
  constructor(readonly db: AnyDb) {}

  /** Makes the leases table if missing; safe when several servers start together. */
  async ensureSchema(): Promise<void> {
    await ensureClusterTable(this.db, SCHEMA_LOCK, [
      sql`
        CREATE TABLE IF NOT EXISTS cluster_leases (
          name text PRIMARY KEY,
          owner text NOT NULL,
          token bigint NOT NULL,
          expires_at timestamptz NOT NULL,
          acquired_at timestamptz NOT NULL
        )`,
    ]);
  }

  /** Takes the lease if nobody holds it (or its holder let it lapse); null when another holds it. */
  async tryAcquire(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | null> {
    const r = await sql<{ token: string; expires_at: Date }>`
      INSERT INTO cluster_leases AS l (name, owner, token, expires_at, acquired_at)
      VALUES (${name}, ${owner}, 1, clock_timestamp() + ${ttlMs} * interval '1 millisecond', clock_timestamp())
      ON CONFLICT (name) DO UPDATE
        SET owner = excluded.owner, token = l.token + 1, expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
        WHERE l.expires_at <= clock_timestamp()
      RETURNING token::text AS token, expires_at`.execute(this.db);
    const row = r.rows[0];
    return row ? { name, owner, token: Number(row.token), expiresAt: row.expires_at } : null;
  }

  /** Extends a lease still held by this grant; LeaseLostError when it lapsed or was taken over. */
  async renew(grant: LeaseGrant, ttlMs: number): Promise<LeaseGrant> {
    const r = await sql<{ expires_at: Date }>`
      UPDATE cluster_leases SET expires_at = clock_timestamp() + ${ttlMs} * interval '1 millisecond'
      WHERE name = ${grant.name} AND owner = ${grant.owner} AND token = ${grant.token} AND expires_at > clock_timestamp()
      RETURNING expires_at`.execute(this.db);
    const row = r.rows[0];
    if (!row) throw new LeaseLostError(grant.name, grant.token, (await this.current(grant.name))?.token ?? null);
    return { ...grant, expiresAt: row.expires_at };
  }

  /** Gives the lease up now (its token stays, so the next holder's is higher). */
  async release(grant: LeaseGrant): Promise<void> {
    await sql`
      UPDATE cluster_leases SET expires_at = clock_timestamp()
      WHERE name = ${grant.name} AND owner = ${grant.owner} AND token = ${grant.token} AND expires_at > clock_timestamp()`.execute(this.db);
  }

  /** The lease as stored, lapsed or not (null if it was never taken). */
  async current(name: string): Promise<(LeaseGrant & { live: boolean }) | null> {
    const r = await sql<{ owner: string; token: string; expires_at: Date; live: boolean }>`
      SELECT owner, token::text AS token, expires_at, expires_at > clock_timestamp() AS live FROM cluster_leases WHERE name = ${name}`.execute(this.db);
    const row = r.rows[0];
    return row ? { name, owner: row.owner, token: Number(row.token), expiresAt: row.expires_at, live: row.live } : null;
  }

  /**
   * The fence, inside the transaction of a write made on behalf of the lease: refuses (throws
   * LeaseLostError, so the transaction rolls back) unless `token` is the lease's current token, and
   * holds the row so no takeover commits before this transaction does.
   */
  async checkFence(tx: AnyTx, name: string, token: number): Promise<void> {
    const r = await sql<{ token: string }>`SELECT token::text AS token FROM cluster_leases WHERE name = ${name} FOR SHARE`.execute(tx);
    const current = r.rows[0] ? Number(r.rows[0].token) : null;
    if (current !== token) throw new LeaseLostError(name, token, current);
  }

  /** Runs `write` in a transaction fenced by the lease: it commits only if `token` is still current. */
  async fenced<T>(name: string, token: number, write: (tx: Transaction<unknown>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await this.checkFence(tx, name, token);
      return write(tx as Transaction<unknown>);
    });
  }
}
