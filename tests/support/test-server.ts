/** Starts a real server (real mediasoup workers, real HTTP and WebSocket) on free ports for a test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../sfu-server/src/config/config';
import { createLogger } from '../../sfu-server/src/observability/logger';
import { startServer, type RunningServer, type ServerDeps } from '../../sfu-server/src/server';
import { engineEnv } from './test-engine';

let nextPortBlock = 0;

import { TEST_ADMIN_PASSWORD } from './constants';

export { TEST_ADMIN_PASSWORD };

export async function startTestServer(env: Record<string, string> = {}, deps: ServerDeps = {}): Promise<RunningServer & { dataDir: string }> {
  // DATA_DIR may be given to start again on the same data (a restart).
  const dataDir = env['DATA_DIR'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-test-'));
  // Each test file runs in its own process: spread RTC port ranges by pid to avoid clashes.
  const base = 43000 + ((process.pid * 7 + nextPortBlock++ * 50) % 2000) * 10;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    RTC_LISTEN_IP: '127.0.0.1',
    RTC_MIN_PORT: String(base),
    RTC_MAX_PORT: String(base + 499),
    MEDIASOUP_WORKERS: '1',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    HEARTBEAT_SECONDS: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    RENDERER_DIR: path.join(dataDir, 'no-client'),
    // The engine under test (test-engine.ts): PostgreSQL in the `postgres` project, else SQLite.
    ...(env['DATABASE_URL'] ? {} : await engineEnv(dataDir)),
    ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    ...env,
  });
  const server = await startServer(config, createLogger(config.LOG_LEVEL), deps);
  return Object.assign(server, { dataDir });
}
