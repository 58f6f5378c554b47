/**
 * First-start download: the bytes a browser with an empty cache fetches to open the app (login page)
 * and to reach "my meetings" after logging in, and what a second start fetches (warm cache), with the
 * web client served as this server serves it (precompressed Brotli/gzip, hashed files immutable)
 * next to the same build sent uncompressed (the browser asks for `Accept-Encoding: identity`, as the
 * server behaved before it sent compressed copies). Counted by Chromium (CDP `encodedDataLength`:
 * bytes on the wire, headers included). Prints figures only.
 *
 *   node --import tsx tests/bench/first-download.ts [rendererDir]   (default: renderer/dist)
 *
 * To compare with an older build, copy its dist folder aside and run once per folder.
 */
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession } from '@playwright/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { startTestServer } from '../support/test-server';
import { CHROMIUM_ARGS } from '../e2e/support/server-env';

interface Tally {
  total: number;
  byKind: Record<string, number>;
  requests: number;
  /** Responses served from the browser's cache or the service worker (nothing on the wire). */
  cached: number;
}

function kindOf(url: string): string {
  const p = new URL(url).pathname;
  if (p.startsWith('/api/')) return 'api';
  if (/pdf\.worker/.test(p)) return 'pdf.js worker';
  if (/\.m?js$/.test(p)) return 'js';
  if (/\.css$/.test(p)) return 'css';
  if (/\.(woff2?|ttf)$/.test(p)) return 'fonts';
  return 'html/other';
}

async function tally(cdp: CDPSession): Promise<() => Tally> {
  const urls = new Map<string, string>();
  const fromCache = new Set<string>();
  const t: Tally = { total: 0, byKind: {}, requests: 0, cached: 0 };
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.requestServedFromCache', (e) => fromCache.add(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.fromDiskCache || e.response.fromServiceWorker || e.response.fromPrefetchCache) fromCache.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (!url || url.startsWith('data:')) return;
    t.requests++;
    if (fromCache.has(e.requestId)) {
      t.cached++;
      return;
    }
    const kind = kindOf(url);
    t.total += e.encodedDataLength;
    t.byKind[kind] = (t.byKind[kind] ?? 0) + e.encodedDataLength;
  });
  return () => t;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

async function run(browser: Browser, baseURL: string, username: string, identity: boolean) {
  const context: BrowserContext = await browser.newContext({ baseURL, ...(identity ? { extraHTTPHeaders: { 'accept-encoding': 'identity' } } : {}), serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const read = await tally(cdp);
  await page.goto('/');
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).waitFor();
  // What had to arrive before the login page showed; then what arrives while it waits for the
  // user (the room's code is fetched ahead there) until the network is quiet.
  const shown = { ...read(), byKind: { ...read().byKind } };
  await page.waitForLoadState('networkidle');
  const login = { ...read(), byKind: { ...read().byKind } };
  await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(username);
  await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Cuộc họp của tôi' }).waitFor();
  await page.waitForLoadState('networkidle');
  const meetings = { ...read(), byKind: { ...read().byKind } };
  // A second start with the same cache (the service worker is blocked here: the HTTP cache alone).
  const page2 = await context.newPage();
  const cdp2 = await context.newCDPSession(page2);
  const read2 = await tally(cdp2);
  await page2.goto('/');
  await page2.getByRole('heading', { name: 'Cuộc họp của tôi' }).waitFor();
  await page2.waitForLoadState('networkidle');
  const warm = read2();
  await context.close();
  return { shown, login, meetings, warm };
}

async function main(): Promise<void> {
  const dirs = [process.argv[2] ?? 'renderer/dist'];
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    for (const dir of dirs) {
      const server = await startTestServer({ RENDERER_DIR: path.resolve(dir) });
      try {
        const admin = await TestApi.admin(server.url);
        const user = await person(admin, 'delegate', 'Đại biểu Đo Tải');
        console.log(`\n${dir}`);
        for (const identity of [true, false]) {
          const r = await run(browser, server.url, user.username, identity);
          const label = identity ? 'uncompressed (Accept-Encoding: identity)' : 'as served (br)';
          console.log(`  ${label}`);
          console.log(`    cold, when the login page shows: ${kb(r.shown.total)}  (${Object.entries(r.shown.byKind).map(([k, v]) => `${k} ${kb(v)}`).join(', ')})`);
          console.log(`    cold, to the login page (network quiet): ${kb(r.login.total)}  (${Object.entries(r.login.byKind).map(([k, v]) => `${k} ${kb(v)}`).join(', ')})`);
          console.log(`    cold, to "my meetings":  ${kb(r.meetings.total)}  (${r.meetings.requests} requests)`);
          console.log(`    warm start (HTTP cache):  ${kb(r.warm.total)}  (${r.warm.requests} requests, ${r.warm.cached} from cache; ${Object.entries(r.warm.byKind).map(([k, v]) => `${k} ${kb(v)}`).join(', ')})`);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
