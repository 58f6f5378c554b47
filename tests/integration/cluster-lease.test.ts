/**
 * Leases with fencing tokens (sfu-server/src/cluster/lease.ts, lease-keeper.ts) on a real
 * PostgreSQL started here (tests/support/postgres.ts), through the store's own resilient pool:
 * one holder at a time; a holder that stops renewing loses the lease within its TTL and another
 * server takes it with a higher token; the stale holder's write with its old token is refused by
 * the database, also when it races the takeover; a PostgreSQL restart is survived with never two
 * holders at once. Skipped (by name) only where PostgreSQL's binaries are not installed.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseKeeper } from '../../sfu-server/src/cluster/lease-keeper';
import { LeaseLostError, PgLeases, type LeaseGrant } from '../../sfu-server/src/cluster/lease';
import { resilientPool } from '../../sfu-server/src/store/database';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres';
import { quietLogger } from '../support/stores';

const hasPostgres = postgresAvailable();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

describe.skipIf(!hasPostgres)('leases with fencing tokens on PostgreSQL (needs PostgreSQL)', () => {
  let postgres: TestPostgres;
  let url: string;
  const dbs: AnyDb[] = [];
  /** A server's own connection pool (each "server" of a test gets one, as separate processes would). */
  const connect = () => {
    const db: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool: resilientPool(url, quietLogger()) }) });
    dbs.push(db);
    return db;
  };
  let n = 0;
  const leaseName = (what: string) => `${what}:${++n}`;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.url(await postgres.createDatabase());
    const db = connect();
    await new PgLeases(db).ensureSchema();
    // The decision a lease guards, written only through the fence.
    await sql`CREATE TABLE decisions (lease text NOT NULL, by_owner text NOT NULL, token bigint NOT NULL, what text NOT NULL)`.execute(db);
  }, 120_000);
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    await postgres?.stop();
  });

  const decide = (leases: PgLeases, grant: LeaseGrant, what: string) =>
    leases.fenced(grant.name, grant.token, async (tx) => {
      await sql`INSERT INTO decisions (lease, by_owner, token, what) VALUES (${grant.name}, ${grant.owner}, ${grant.token}, ${what})`.execute(tx);
    });
  const decisions = async (db: AnyDb, name: string) => (await sql<{ by_owner: string; token: string; what: string }>`SELECT by_owner, token::text AS token, what FROM decisions WHERE lease = ${name} ORDER BY token, what`.execute(db)).rows;

  it('makes its table once even when several servers start together', async () => {
    await Promise.all([connect(), connect(), connect()].map((db) => new PgLeases(db).ensureSchema()));
    const r = await sql<{ n: string }>`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'cluster_leases'`.execute(dbs[0]!);
    expect(r.rows[0]!.n).toBe('1');
  });

  it('one holder at a time: while it renews, nobody else gets the lease, over three TTLs', async () => {
    const name = leaseName('floor:meeting');
    const [a, b] = [new PgLeases(connect()), new PgLeases(connect())];
    const ka = new LeaseKeeper({ leases: a, name, owner: 'server-a#1', ttlMs: 1000, logger: quietLogger() });
    ka.start();
    await until('a to hold it', () => ka.current !== null);
    const kb = new LeaseKeeper({ leases: b, name, owner: 'server-b#1', ttlMs: 1000, retryEveryMs: 50, logger: quietLogger() });
    kb.start();
    try {
      for (let i = 0; i < 60; i++) {
        await sleep(50);
        expect(kb.current).toBeNull();
        expect(ka.current?.token).toBe(1);
      }
      expect(await b.tryAcquire(name, 'server-c#1', 1000)).toBeNull();
    } finally {
      await ka.stop({ release: true });
      await kb.stop({ release: true });
    }
  });

  it('a holder that stops renewing loses the lease within its TTL; another takes it with a higher token; the stale write is refused', async () => {
    const name = leaseName('vote-close:v1');
    const dbA = connect();
    const dbB = connect();
    const [a, b] = [new PgLeases(dbA), new PgLeases(dbB)];
    const TTL = 1000;
    // Server a takes the lease and writes a decision; then it hangs (no more renewals).
    const stale = (await a.tryAcquire(name, 'server-a#1', TTL))!;
    expect(stale.token).toBe(1);
    await decide(a, stale, 'a decided while holding');

    const lost: string[] = [];
    let freshToken = 0;
    const kb = new LeaseKeeper({ leases: b, name, owner: 'server-b#1', ttlMs: TTL, retryEveryMs: 50, logger: quietLogger(), onLost: (_g, why) => lost.push(why) });
    kb.start();
    try {
      await until('b to take the lapsed lease', () => kb.current !== null, 5000);
      const fresh = kb.current!;
      // By the database's clock: taken not before a's lease lapsed, and soon after (b tries every 50 ms).
      const takenAt = fresh.expiresAt.getTime() - TTL;
      expect(takenAt).toBeGreaterThanOrEqual(stale.expiresAt.getTime());
      expect(takenAt - stale.expiresAt.getTime()).toBeLessThan(1000);
      freshToken = fresh.token;
      expect(fresh.token).toBeGreaterThan(stale.token);

      // a wakes up and acts on its old belief: the database refuses the write and the renewal.
      await expect(decide(a, stale, 'a decided after waking up')).rejects.toBeInstanceOf(LeaseLostError);
      await expect(a.renew(stale, TTL)).rejects.toBeInstanceOf(LeaseLostError);
      await decide(b, fresh, 'b decided');
      expect(await decisions(dbA, name)).toEqual([
        { by_owner: 'server-a#1', token: '1', what: 'a decided while holding' },
        { by_owner: 'server-b#1', token: String(fresh.token), what: 'b decided' },
      ]);
      // a releasing its old grant does nothing to b's.
      await a.release(stale);
      expect((await b.current(name))?.owner).toBe('server-b#1');
      expect(lost).toEqual([]);
    } finally {
      await kb.stop({ release: true });
    }
    // Released: the row stays with its token, and the next holder's is higher still.
    const next = await a.tryAcquire(name, 'server-a#2', TTL);
    expect(next!.token).toBe(freshToken + 1);
  });

  it('a stale write that races the takeover either commits before it or is refused, never after it', async () => {
    const name = leaseName('recording:m1');
    const dbA = connect();
    const dbB = connect();
    const [a, b] = [new PgLeases(dbA), new PgLeases(dbB)];
    const grant = (await a.tryAcquire(name, 'server-a#1', 200))!;
    await sleep(250); // lapsed, nobody has taken it yet
    // a's write holds the lease row (FOR SHARE) while b tries to take the lease.
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    const write = a.fenced(name, grant.token, async (tx) => {
      await sql`INSERT INTO decisions (lease, by_owner, token, what) VALUES (${name}, 'server-a#1', ${grant.token}, 'racing write')`.execute(tx);
      await holding;
    });
    await sleep(100);
    let tookMeanwhile = false;
    const taking = b.tryAcquire(name, 'server-b#1', 5000).then((g) => {
      tookMeanwhile = true;
      return g;
    });
    await sleep(300);
    // The takeover waits on the row the write holds.
    expect(tookMeanwhile).toBe(false);
    release();
    await write; // it was first: it commits
    const taken = await taking; // the takeover waited for it, then happened
    expect(taken!.token).toBe(grant.token + 1);
    // Now a's token is stale for good.
    await expect(decide(a, grant, 'too late')).rejects.toBeInstanceOf(LeaseLostError);
    expect((await decisions(dbA, name)).map((d) => d.what)).toEqual(['racing write']);
  });

  it('survives a PostgreSQL restart: the lease is held again afterwards, never by two servers at once, with tokens only growing', async () => {
    const name = leaseName('floor:restart');
    const grants: LeaseGrant[] = [];
    const keepers = ['a', 'b', 'c'].map(
      (s) => new LeaseKeeper({ leases: new PgLeases(connect()), name, owner: `server-${s}#1`, ttlMs: 1500, renewEveryMs: 300, retryEveryMs: 100, logger: quietLogger(), onAcquired: (g) => grants.push(g) }),
    );
    for (const k of keepers) k.start();
    let overlaps = 0;
    const watch = setInterval(() => {
      if (keepers.filter((k) => k.current !== null).length > 1) overlaps++;
    }, 5);
    try {
      await until('someone to hold it', () => keepers.some((k) => k.current !== null));
      await postgres.restart(2000); // fast shutdown, 2 s with no database, start
      await until('someone to hold it after the restart', () => keepers.some((k) => k.current !== null), 15_000);
      // Held for a while after: the keeper renews through the restarted server.
      await sleep(2000);
      const holder = keepers.find((k) => k.current !== null)!;
      expect(holder).toBeDefined();
      const grant = holder.current!;
      await decide(new PgLeases(dbs[dbs.length - 1]!), grant, 'after the restart');
      expect(overlaps).toBe(0);
      const tokens = grants.map((g) => g.token);
      expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
      expect(new Set(tokens).size).toBe(tokens.length);
      // The restart outlasted the TTL: the lease lapsed and was taken again with a new token.
      expect(grants.length).toBeGreaterThanOrEqual(2);
    } finally {
      clearInterval(watch);
      for (const k of keepers) await k.stop({ release: true });
    }
  }, 60_000);
});
