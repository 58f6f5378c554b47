/**
 * A server that was busy for longer than the heartbeat (a long synchronous task) does not drop the
 * clients that kept talking meanwhile: their frames were waiting in the socket, unread only
 * because the heartbeat's timer ran before the sockets were read. This false drop, with the e2e
 * server's 2 s heartbeat on a busy machine, is what made the e2e specs click "Tham gia" again.
 * The client runs in another process (it keeps sending while this one is blocked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { person, TestApi } from '../support/api-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
const children: ChildProcess[] = [];
beforeAll(async () => {
  // HEARTBEAT_SECONDS=1 in test servers.
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await server?.close();
});

/** A client in its own process: connects, then sends a sign of life (a pong) every 50 ms; prints what happens. */
function clientProcess(url: string, token: string): { lines: string[]; opened: Promise<void> } {
  const code = `
    const WebSocket = require('ws');
    const ws = new WebSocket(process.argv[1], { headers: { authorization: 'Bearer ' + process.argv[2] } });
    ws.on('open', () => { console.log('open'); setInterval(() => ws.pong(), 50); });
    ws.on('close', (c) => { console.log('closed ' + c); process.exit(0); });
    ws.on('error', (e) => console.log('error ' + e.message));`;
  const child = spawn(process.execPath, ['-e', code, url.replace(/^http/, 'ws') + '/ws', token], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n').filter(Boolean)) {
        lines.push(l);
        if (l === 'open') resolve();
        if (l.startsWith('closed') || l.startsWith('error')) reject(new Error(l));
      }
    });
  });
  return { lines, opened };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('keeps a client that kept sending while the server was blocked for 2.5 heartbeats; drops it once it is gone', async () => {
  const admin = await TestApi.admin(server.url);
  const p = await person(admin, 'delegate', 'Đại biểu Máy Bận');
  const client = clientProcess(server.url, p.token);
  await client.opened;
  await sleep(300);
  // Blocked inside a check-phase callback, as a long synchronous request handler would block it.
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        /* busy */
      }
      resolve();
    }),
  );
  await sleep(1500);
  expect(client.lines).toEqual(['open']);
  // A client that really went away is still dropped.
  children[0]!.kill('SIGSTOP');
  await sleep(2500);
  children[0]!.kill('SIGCONT');
  await sleep(300);
  expect(client.lines.at(-1)).toMatch(/^closed/);
}, 30_000);
