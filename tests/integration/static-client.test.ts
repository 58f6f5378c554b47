/**
 * The web client as a slow link gets it: content-hashed files in Brotli or gzip (the copies made at
 * build time by renderer/vite-precompress.ts), cached for a year and immutable; index.html and the
 * client-side routes revalidated every time (304 when unchanged).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { precompressFile } from '../../renderer/vite-precompress';
import type { RunningServer } from '../../sfu-server/src/server';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let dir: string;
const script = `console.log(${JSON.stringify('Phòng họp '.repeat(400))});\n`;
const html = `<!doctype html><html><head><script type="module" src="./assets/index-Ab12Cd34.js"></script></head><body>${'<div>Hội nghị</div>'.repeat(80)}</body></html>`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-client-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.mkdirSync(path.join(dir, 'pdfjs', 'cmaps'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  fs.writeFileSync(path.join(dir, 'assets', 'index-Ab12Cd34.js'), script);
  fs.writeFileSync(path.join(dir, 'pdfjs', 'cmaps', 'Identity-H.bcmap'), Buffer.alloc(2000, 7));
  precompressFile(path.join(dir, 'index.html'));
  precompressFile(path.join(dir, 'assets', 'index-Ab12Cd34.js'));
  server = await startTestServer({ RENDERER_DIR: dir });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(server.url + urlPath, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

it('sends hashed files as Brotli or gzip, cached for a year and immutable', async () => {
  const br = await get('/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip, deflate, br' });
  expect(br.status).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(br.headers['content-type']).toMatch(/javascript/);
  expect(br.headers['vary']).toMatch(/accept-encoding/i);
  expect(br.body.length).toBeLessThan(script.length / 10);
  expect(zlib.brotliDecompressSync(br.body).toString()).toBe(script);

  const gz = await get('/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(zlib.gunzipSync(gz.body).toString()).toBe(script);

  const plain = await get('/assets/index-Ab12Cd34.js');
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body.toString()).toBe(script);

  // A hashed file that does not exist (an old version's) is a 404, never index.html cached for a year.
  const missing = await get('/assets/index-00000000.js', { 'accept-encoding': 'br' });
  expect(missing.status).toBe(404);
});

it('revalidates index.html, client routes and unhashed files every time', async () => {
  for (const route of ['/', '/index.html', '/meetings/abc']) {
    const res = await get(route, { 'accept-encoding': 'br, gzip' });
    expect(res.status, route).toBe(200);
    expect(res.headers['cache-control'], route).toBe('no-cache');
    expect(res.headers['content-encoding'], route).toBe('br');
    expect(zlib.brotliDecompressSync(res.body).toString(), route).toBe(html);
    const etag = res.headers['etag'];
    expect(etag, route).toBeTruthy();
    const again = await get(route, { 'accept-encoding': 'br, gzip', 'if-none-match': etag! });
    expect(again.status, route).toBe(304);
    expect(again.body.length).toBe(0);
  }
  const cmap = await get('/pdfjs/cmaps/Identity-H.bcmap', { 'accept-encoding': 'br' });
  expect(cmap.status).toBe(200);
  expect(cmap.headers['cache-control']).toBe('no-cache');
  expect(cmap.headers['content-encoding']).toBeUndefined();
  // The API is untouched by the client's rules.
  const api = await get('/api/nothing-here');
  expect(api.status).toBe(404);
  expect(api.headers['cache-control']).not.toBe('public, max-age=31536000, immutable');
});
