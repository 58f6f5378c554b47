/**
 * A client that goes away mid-request (an aborted upload, a slowloris connection cut by the
 * server's time limit) is not taken for a failing store: its connection reset (ECONNRESET) used to
 * be answered as 503 "the store is not reachable" and logged as a warning with its stack, once per
 * connection. And a connection Node cuts is destroyed without formatting an error stack.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../../sfu-server/src/http/errors';
import { cutClientConnection } from '../../../sfu-server/src/http/timeouts';

const lines: Array<{ level: number; msg: string }> = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  lines.length = 0;
});

async function serve(options: Record<string, unknown> = {}) {
  const app = Fastify({ loggerInstance: pino({ level: 'debug' }, sink) as unknown as FastifyBaseLogger, ...options });
  registerErrorHandler(app);
  app.post('/api/echo', async (req) => ({ size: JSON.stringify(req.body).length }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
  return (app.server.address() as net.AddressInfo).port;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('a client that goes away', () => {
  it('mid-body: no "store is not reachable", no warning', async () => {
    const port = await serve();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"');
    await settle();
    socket.destroy();
    await settle();
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
    expect(lines.some((l) => l.msg === 'the client went away before its request was answered')).toBe(true);
  });

  it('cut by the request time limit: 408 and closed, the socket destroyed without an error', async () => {
    const port = await serve({ http: { requestTimeout: 400, headersTimeout: 300, connectionsCheckingInterval: 100 }, requestTimeout: 400, clientErrorHandler: cutClientConnection });
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    const closed = new Promise((r) => socket.once('close', r));
    socket.write('POST /api/echo HTTP/1.1\r\nHost: x\r\n');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(received).toContain('"statusCode":408');
    // The handler gives Node's destroy no error: nothing to format a stack for.
    const destroyed: unknown[][] = [];
    const fake = { destroyed: false, writable: true, write: () => true, destroy: (...args: unknown[]) => destroyed.push(args) };
    cutClientConnection(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), fake as never);
    expect(destroyed).toEqual([[]]);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});
