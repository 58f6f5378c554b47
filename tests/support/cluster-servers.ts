/**
 * Several servers for the cluster tests (issue 16): one PostgreSQL and one redis-server started
 * here (Debian's packages: tests/support/postgres.ts, redis.ts), and servers on them, each with its
 * own SERVER_ID, the same AUTH_SECRET and lease TTL: in this process (`inProcess`, a
 * `RunningServer` the test can reach into) or as child processes (`process`, so they can be
 * SIGKILLed). The first server started makes the cluster's schema; start it before the others.
 * `stop()` stops every server started here (children first), then the engines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../sfu-server/src/server';
import { postgresAvailable, startPostgres, type TestPostgres } from './postgres';
import { redisServerBin, startRedis, type TestRedis } from './redis';
import { startServerProcess, type ServerProcess } from './server-process';
import { startTestServer } from './test-server';

/** Whether the engines are installed (`scripts/setup.sh --test`); the cluster tests skip by name otherwise. */
export const clusterEnginesAvailable = (): boolean => redisServerBin() !== null && postgresAvailable();

export interface ClusterOptions {
  authSecret: string;
  leaseTtlMs: number;
  /** More settings for every server (METRICS_TOKEN...). */
  env?: Record<string, string>;
}

export class TestCluster {
  readonly #inProcess: RunningServer[] = [];
  readonly #processes: ServerProcess[] = [];

  private constructor(
    readonly redis: TestRedis,
    readonly pg: TestPostgres,
    /** The database all servers share. */
    readonly databaseUrl: string,
    /** The settings every server gets. */
    readonly shared: Record<string, string>,
  ) {}

  static async start(o: ClusterOptions): Promise<TestCluster> {
    const [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
    const databaseUrl = pg.url(await pg.createDatabase());
    // One secret: a session made on one server is valid on the others.
    const shared = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, AUTH_SECRET: o.authSecret, SERVER_LEASE_TTL_MS: String(o.leaseTtlMs), ...o.env };
    return new TestCluster(redis, pg, databaseUrl, shared);
  }

  /** A server in this test's process. */
  async inProcess(serverId: string, env: Record<string, string> = {}): Promise<RunningServer> {
    const server = await startTestServer({ ...this.shared, SERVER_ID: serverId, ...env });
    this.#inProcess.push(server);
    return server;
  }

  /** A server as a child process (its own data folder); the second and later get RTC ports of their own. */
  async process(serverId: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const k = this.#processes.length;
    const base = 50_000 + ((process.pid * 13) % 400) * 30 + (k - 1) * 10;
    const ports: Record<string, string> = k === 0 ? {} : { RTC_MIN_PORT: String(base), RTC_MAX_PORT: String(base + 9) };
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `phonghop-cluster-${serverId}-`));
    const server = await startServerProcess(dataDir, { ...this.shared, SERVER_ID: serverId, ...ports, ...env });
    this.#processes.push(server);
    return server;
  }

  /** Closes one in-process server now (a test that restarts it starts it again with `inProcess`). */
  async close(server: RunningServer): Promise<void> {
    const i = this.#inProcess.indexOf(server);
    if (i >= 0) this.#inProcess.splice(i, 1);
    await server.close();
  }

  async stop(): Promise<void> {
    for (const p of this.#processes.reverse()) await p.stop();
    for (const s of this.#inProcess.reverse()) await s.close();
    await this.pg.stop();
    await this.redis.stop();
  }
}
