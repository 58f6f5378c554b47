/**
 * The store engine a test file runs on, for files that run on both (vitest.config.ts: the
 * `postgres` project runs them again with PHONGHOP_TEST_ENGINE=postgres).
 *
 * On PostgreSQL, one throw-away cluster (tests/support/postgres.ts) is started on first need in
 * the test file's process and stopped when it exits; each data folder gets its own database, and
 * a server started again on the same data folder (a restart) finds the same database.
 */
import path from 'node:path';
import { startPostgres, type TestPostgres } from './postgres';
import type { Engine } from './stores';

export const TEST_ENGINE: Engine = process.env['PHONGHOP_TEST_ENGINE'] === 'postgres' ? 'postgres' : 'sqlite';

let cluster: Promise<TestPostgres> | null = null;
const databases = new Map<string, Promise<string>>();

/** The process's PostgreSQL when the engine under test is PostgreSQL, else null. */
export function enginePostgres(): Promise<TestPostgres | null> {
  if (TEST_ENGINE !== 'postgres') return Promise.resolve(null);
  cluster ??= startPostgres();
  return cluster;
}

/** DATABASE_URL of the data folder's database (made on first use), or undefined on SQLite. */
export async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  const pg = await enginePostgres();
  if (!pg) return undefined;
  const key = path.resolve(dataDir);
  let db = databases.get(key);
  if (!db) databases.set(key, (db = pg.createDatabase()));
  return pg.url(await db);
}

/** What a server's environment needs for the engine under test: {} or { DATABASE_URL }. */
export async function engineEnv(dataDir: string): Promise<Record<string, string>> {
  const url = await databaseUrlFor(dataDir);
  return url ? { DATABASE_URL: url } : {};
}
