/**
 * Time limits of HTTP requests, against slowloris (clients that send their headers or body a few
 * bytes per second and hold a connection, a parser and a body buffer or temporary file for ever).
 *
 * Node's HTTP server has the mechanisms (`headersTimeout`, `requestTimeout`, checked every
 * `connectionsCheckingInterval`), but Fastify sets `requestTimeout` to 0 unless told otherwise,
 * which turns Node's own 300 s limit off: a trickled body was never cut. Here:
 * - headers must be complete within HTTP_HEADERS_TIMEOUT_SECONDS (default 20 s);
 * - the whole request, body included, within HTTP_REQUEST_TIMEOUT_SECONDS (default 300 s: a
 *   100 MiB upload needs ≥ 2.8 Mbit/s; raise it where secretaries upload large packs on slow links);
 * - the server checks every quarter of the shorter limit (at most every 30 s, Node's default), so
 *   a connection is cut at most ~25 % after its limit. The answer is 408 and the socket is closed.
 * WebSocket connections are not affected: they leave the HTTP parser once upgraded.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export interface HttpTimeoutConfig {
  HTTP_HEADERS_TIMEOUT_SECONDS: number;
  HTTP_REQUEST_TIMEOUT_SECONDS: number;
}

export function httpTimeouts(config: HttpTimeoutConfig): { requestTimeout: number; node: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } } {
  const requestTimeout = Math.round(config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000);
  // Node refuses headersTimeout > requestTimeout.
  const headersTimeout = Math.min(Math.round(config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000), requestTimeout);
  const connectionsCheckingInterval = Math.max(100, Math.min(30_000, Math.round(headersTimeout / 4)));
  return { requestTimeout, node: { headersTimeout, requestTimeout, connectionsCheckingInterval } };
}

/**
 * Fastify's `clientErrorHandler`: what is done with a connection Node cuts (headers or request too
 * slow, a malformed request). The same short answer as Fastify's default, but the socket is
 * destroyed without the error: Node's stream destroy reads `err.stack` of an error it is given, and
 * with source maps on (the server runs under tsx) formatting a stack costs about a millisecond.
 * 300 slowloris sockets cut in one check stalled the event loop for 0.3–1 s, most of it in those
 * stacks (tests/bench/abuse.ts, profiled). Nothing is logged per connection: an attack would flood
 * the log.
 */
export function cutClientConnection(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const text = STATUS_CODES[status]!;
  const body = JSON.stringify({ error: text, message: status === 408 ? 'Client Timeout' : status === 431 ? 'Exceeded maximum allowed HTTP header size' : 'Client Error', statusCode: status });
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy();
}
