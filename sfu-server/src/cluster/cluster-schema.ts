/**
 * The cluster's own tables (leases, the server registry) live in the shared PostgreSQL beside the
 * store's migrated ones and are made by the servers themselves at start. Several servers may start
 * together, so the DDL runs in one transaction under an advisory lock: one makes the table, the
 * others wait and find it made.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ensureClusterTable(db: Kysely<any>, lock: number, ddl: readonly RawBuilder<unknown>[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${lock})`.execute(tx);
    for (const statement of ddl) await statement.execute(tx);
  });
}
