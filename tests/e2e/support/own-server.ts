/**
 * A server of the test's own (not Playwright's webServer), for scenarios that stop and start the
 * server: same port and DATA_DIR each time, so browsers reconnect to it by themselves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { e2eServerEnv } from './server-env';
import { test } from './test';
import { freePort } from '../../support/free-port';

export class OwnServer {
  #child: ChildProcess | null = null;
  #stderr = '';

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async create(): Promise<OwnServer> {
    return new OwnServer(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-e2e-own-')));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const env = { ...e2eServerEnv(), PORT: String(this.port), DATA_DIR: this.dataDir, MEDIASOUP_WORKERS: '1', RTC_MIN_PORT: '41000', RTC_MAX_PORT: '41199' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'sfu-server/src/main.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-4000)));
    this.#child = child;
    const end = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${this.#stderr}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        if (res.ok) return;
      } catch {
        /* not yet */
      }
      if (Date.now() > end) throw new Error(`server did not start: ${this.#stderr}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** Stops the server the way an operator does (SIGTERM) and waits for the process to end. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    this.#child = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * A server of the spec file's own: started before its tests (same port and data throughout, so it
 * can be stopped and started again), removed after them. Call at the top level of the spec.
 */
export function useOwnServer(): Pick<OwnServer, 'url' | 'start' | 'stop'> {
  let server: OwnServer | undefined;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    server = await OwnServer.create();
    await server.start();
  });
  test.afterAll(async () => {
    await server?.dispose();
  });
  const started = (): OwnServer => {
    if (!server) throw new Error('the own server has not been started (useOwnServer must be called at the top level of the spec)');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    start: () => started().start(),
    stop: () => started().stop(),
  };
}
