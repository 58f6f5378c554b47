/**
 * A real PostgreSQL for tests.
 *
 * - With env PG_TEST_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) that server is used.
 * - Otherwise a throw-away cluster is made with Debian's postgresql-15 binaries
 *   (/usr/lib/postgresql/15/bin, or env PG_BIN): initdb in a temp folder, trust auth, listening on
 *   127.0.0.1 on a free port, its unix socket inside the temp folder. initdb refuses to run as root,
 *   so as root the folder is given to the `postgres` user and the binaries run via `runuser`.
 *
 * Each caller gets its own databases (`createDatabase()`); `stop()` drops them, and for a
 * throw-away cluster stops the server and deletes the folder (also done when the process exits).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';

export interface TestPostgres {
  /** A connection URL for that database (default: the maintenance database `postgres`). */
  url(dbName?: string): string;
  /** Creates an empty database with a unique name and returns its name. */
  createDatabase(): Promise<string>;
  /** Drops the databases made here; stops and deletes a throw-away cluster. */
  stop(): Promise<void>;
  /**
   * Restarts a throw-away cluster on the same port, as an operator or a failover would: a fast
   * shutdown (every connection is cut), `downMs` with no server, then a start. Not available with
   * PG_TEST_URL (an external server is not ours to restart).
   */
  restart(downMs?: number): Promise<void>;
}

const PG_MAJOR = '15';

/** The folder holding initdb and pg_ctl, or a clear error saying how to get them. */
/** Whether the tests can run a PostgreSQL: PG_TEST_URL names one, or its binaries are installed. */
export function postgresAvailable(): boolean {
  if (process.env['PG_TEST_URL']) return true;
  try {
    postgresBinDir();
    return true;
  } catch {
    return false;
  }
}

export function postgresBinDir(): string {
  const candidates = [process.env['PG_BIN'], `/usr/lib/postgresql/${PG_MAJOR}/bin`];
  // Any other installed major version will do as well.
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    /* none installed */
  }
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    `PostgreSQL server binaries (initdb, pg_ctl) not found in ${candidates.filter(Boolean).join(', ')}. ` +
      'Install them with `bash scripts/setup.sh --test` (Debian package postgresql-15), ' +
      'or point the tests at a running server with PG_TEST_URL=postgres://user@host:port/postgres.',
  );
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. */
function runPg(bin: string, args: string[], options: { timeoutMs?: number } = {}): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, cwd: os.tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.error?.message ?? ''}\n${result.stdout}\n${result.stderr}`);
  }
}

/** runPg without blocking the event loop (clients of the test go on meanwhile). */
async function runPgAsync(bin: string, args: string[], timeoutMs = 90_000): Promise<void> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  await new Promise<void>((resolve, reject) => {
    execFile(cmd, argv, { encoding: 'utf8', timeout: timeoutMs, cwd: os.tmpdir() }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
}

function withDatabase(baseUrl: string, dbName: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${encodeURIComponent(dbName)}`;
  return u.toString();
}

async function adminQuery(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Databases made by this helper, dropped in stop(). */
function databaseManager(baseUrl: string) {
  const created: string[] = [];
  return {
    created,
    async createDatabase(): Promise<string> {
      const name = `phonghop_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      await adminQuery(baseUrl, `CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
      created.push(name);
      return name;
    },
    async dropAll(): Promise<void> {
      for (const name of created.splice(0)) {
        // Any pool still open on it is cut off first.
        await adminQuery(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      }
    },
  };
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env['PG_TEST_URL'];
  if (external) {
    const dbs = databaseManager(external);
    return {
      url: (dbName) => (dbName ? withDatabase(external, dbName) : external),
      createDatabase: dbs.createDatabase,
      stop: dbs.dropAll,
      restart: async () => {
        throw new Error('restart() needs the throw-away cluster (unset PG_TEST_URL)');
      },
    };
  }

  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(socketDir);
  if (isRoot()) execFileSync('chown', ['-R', 'postgres:', dir]);

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) runPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { timeoutMs: 30_000 });
    } catch {
      /* already gone */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies or forgets stop() must not leave a server behind.
  process.once('exit', stopSync);

  try {
    runPg(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions']);
    let port = 0;
    let options = '';
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      options = [`-p ${port}`, `-k ${socketDir}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=100'].join(' ');
      try {
        runPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'], { timeoutMs: 90_000 });
        break;
      } catch (err) {
        // The free port may have been taken meanwhile by someone else: try another.
        if (attempt >= 3) throw new Error(`${(err as Error).message}\n${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''}`);
      }
    }
    const base = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const dbs = databaseManager(base);
    return {
      url: (dbName) => (dbName ? withDatabase(base, dbName) : base),
      createDatabase: dbs.createDatabase,
      async stop() {
        await dbs.dropAll();
        stopSync();
        process.removeListener('exit', stopSync);
      },
      async restart(downMs = 0) {
        await runPgAsync(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        await runPgAsync(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
      },
    };
  } catch (err) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw err;
  }
}
