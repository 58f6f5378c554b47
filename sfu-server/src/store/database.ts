/**
 * Opens the store: SQLite in the data folder by default, PostgreSQL when DATABASE_URL is set.
 * Same Kysely code on both; migrations run at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../observability/logger';
import { migrations } from './migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  logger: Logger;
}

export interface Store {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Db;
  let dialect: Store['dialect'];
  if (options.databaseUrl) {
    dialect = 'postgres';
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: resilientPool(options.databaseUrl, options.logger) }) });
  } else {
    dialect = 'sqlite';
    fs.mkdirSync(options.dataDir, { recursive: true });
    const file = path.join(options.dataDir, 'phonghop.sqlite');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: an acknowledged write (a ballot) survives a crash of the process or the machine.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  await migrate(db, options.logger);
  options.logger.info({ dialect }, 'store opened');
  return { db, dialect, close: () => db.destroy() };
}

/**
 * A pool that survives the database going away (restart, failover, `pg_terminate_backend`):
 * a connection that dies is logged and dropped, never an unhandled 'error' event (which would end
 * the process); the pool opens new connections on the next request by itself. Requests meanwhile
 * fail fast (no connection within `connectionTimeoutMillis`) and are answered 503
 * (store-failures.ts), so no request waits forever and nothing half-done is acknowledged.
 */
export function resilientPool(connectionString: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, keepAlive: true });
  // An idle connection that dies: pg-pool has already removed it.
  pool.on('error', (err) => logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost (idle); the pool reconnects on demand'));
  // A connection that dies while checked out (inside a request or transaction): its query fails
  // with the error, and the client also emits 'error', which must have a listener.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost (in use); the request fails with 503'));
  });
  return pool;
}

export async function migrate(db: Db, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === 'Success') logger.info({ migration: r.migrationName }, 'migration applied');
    if (r.status === 'Error') logger.error({ migration: r.migrationName }, 'migration failed');
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
