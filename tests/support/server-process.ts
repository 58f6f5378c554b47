/**
 * The real server as a child process (`node --import tsx sfu-server/src/main.ts`), for tests that
 * must kill it (SIGKILL) and start it again on the same data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_ADMIN_PASSWORD } from './constants';
import { engineEnv } from './test-engine';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Everything the process printed so far (JSON log lines on stdout, and stderr). */
  output(): string;
  /** SIGKILL, and wait until the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const base = 41000 + ((process.pid * 13) % 400) * 10;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'sfu-server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      RTC_LISTEN_IP: '127.0.0.1',
      RTC_MIN_PORT: String(base),
      RTC_MAX_PORT: String(base + 9),
      MEDIASOUP_WORKERS: '1',
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      RENDERER_DIR: path.join(dataDir, 'no-client'),
      LOGIN_RATE_PER_MINUTE: '1000',
      // The engine under test (test-engine.ts): PostgreSQL in the `postgres` project, else SQLite.
      ...(env['DATABASE_URL'] ? {} : await engineEnv(dataDir)),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let buffer = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${buffer.slice(-2000)}`)), 60_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = /"url":"(http[^"]+)"[^\n]*Phòng họp server listening|Phòng họp server listening[^\n]*"url":"(http[^"]+)"/.exec(buffer);
      if (m) {
        clearTimeout(timer);
        resolve((m[1] ?? m[2])!);
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${buffer.slice(-2000)}`));
    });
  });
  return {
    url,
    proc,
    output: () => buffer,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
