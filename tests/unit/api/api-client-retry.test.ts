/**
 * The renderer's API client while the server's database restarts: an idempotent request answered
 * 503 is sent again (after Retry-After) until it succeeds or the retries are used up; a POST is
 * not repeated behind the person's back, and its error carries `apiErrors.unavailable`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiRequestError, MAX_RETRIES, retryDelayMs } from '../../../renderer/src/net/api-client';

let server: http.Server;
let unavailableFor = 0;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (unavailableFor > 0) {
      unavailableFor--;
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ code: 'unavailable', messageKey: 'apiErrors.unavailable', message: 'the store is not reachable right now' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify([]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (globalThis as { window?: unknown }).window = { location: { origin, protocol: 'http:' } };
});
afterAll(async () => {
  delete (globalThis as { window?: unknown }).window;
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
  unavailableFor = 0;
});

describe('ApiClient and 503', () => {
  it('a GET is retried through a short outage and succeeds', async () => {
    unavailableFor = 2;
    expect(await new ApiClient().accounts()).toEqual([]);
    expect(seen).toEqual(['GET /api/accounts', 'GET /api/accounts', 'GET /api/accounts']);
  });

  it('a GET gives up after the retries, with the server\'s message key', async () => {
    unavailableFor = 100;
    const err = await new ApiClient().accounts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ status: 503, code: 'unavailable', messageKey: 'apiErrors.unavailable' });
    expect(seen).toHaveLength(1 + MAX_RETRIES);
  });

  it('a POST is sent once', async () => {
    unavailableFor = 1;
    const err = await new ApiClient().createUnit({ name: 'Xã Lũng Cú', level: 'commune', parentId: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'unavailable' });
    expect(seen).toEqual(['POST /api/units']);
  });

  it('waits Retry-After (at most 30 s), else 1, 2, 4 s, with some jitter', () => {
    expect(retryDelayMs(0, '3', () => 0)).toBe(3000);
    expect(retryDelayMs(0, '600', () => 0)).toBe(30_000);
    expect([0, 1, 2].map((a) => retryDelayMs(a, null, () => 0))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(0, 'Wed, 21 Oct 2015 07:28:00 GMT', () => 1)).toBe(1250);
  });
});
