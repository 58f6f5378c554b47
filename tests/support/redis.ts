/**
 * A real Redis for tests and benchmarks: Debian's redis-server (package `redis-server`, installed
 * by `bash scripts/setup.sh --test`; env REDIS_SERVER_BIN for another binary), started on a free
 * loopback port with its files in a temp folder, no persistence. `restart()` kills it and starts
 * it again on the same port, as an operator or a crash would; `stop()` ends it and removes the
 * folder (also done when the process exits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface TestRedis {
  url: string;
  port: number;
  /** The running server's process id (changes with restart()). */
  pid(): number | undefined;
  /** SIGKILL (nothing flushed, every connection cut), `downMs` with no server, then a start on the same port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The redis-server binary, or null when it is not installed (tests then skip by name). */
export function redisServerBin(): string | null {
  for (const candidate of [process.env['REDIS_SERVER_BIN'], '/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

export const REDIS_MISSING = 'redis-server is not installed (Debian package redis-server: bash scripts/setup.sh --test)';

/** Resolves once the server answers PING on the port. */
async function answering(port: number, proc: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode}):\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedis(): Promise<TestRedis> {
  const bin = redisServerBin();
  if (!bin) throw new Error(REDIS_MISSING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-redis-'));
  let proc: ChildProcess | null = null;
  let log = '';
  const launch = (port: number) => {
    log = '';
    const p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-5000)));
    p.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-5000)));
    return p;
  };
  const killNow = () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  const cleanup = () => {
    killNow();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  const exited = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())));

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    proc = launch(port);
    try {
      await answering(port, proc, () => log);
      break;
    } catch (err) {
      killNow();
      // The free port may have been taken meanwhile by someone else: try another.
      if (attempt >= 3) {
        cleanup();
        process.removeListener('exit', cleanup);
        throw err;
      }
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => proc?.pid,
    async restart(downMs = 0) {
      const old = proc!;
      killNow();
      await exited(old);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      proc = launch(port);
      await answering(port, proc, () => log);
    },
    async stop() {
      const old = proc;
      killNow();
      if (old) await exited(old);
      cleanup();
      process.removeListener('exit', cleanup);
    },
  };
}
