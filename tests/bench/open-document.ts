/**
 * Opening documents: time from the click on "Mở" to the first page painted in the viewer (page
 * clock: the click, and the moment page 1's canvas and text layer are done), and memory (the
 * page's JS heap, and the proportional resident memory (PSS) of all the browser's processes), for
 * ../shared/samples/tong-hop.pdf (81 pages) when present and a generated 300-page document;
 * first from the server (cold), then from the device cache (IndexedDB). Then the whole 300-page
 * document is scrolled through, and memory is measured again: only pages near view are drawn.
 * Targets: first page under 300 ms, under 300 MB. Prints figures only (no assertions).
 *
 *   node --import tsx tests/bench/open-document.ts    (RUNS=5, CHROMIUM_PATH=/usr/bin/chromium)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf, sharedSample } from '../support/pdf-samples';
import { startTestServer } from '../support/test-server';
import { CHROMIUM_ARGS } from '../e2e/support/server-env';

const RUNS = Math.max(1, Number(process.env['RUNS'] ?? 5));
const TARGET_MS = 300;
const TARGET_MB = 300;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};

/**
 * Proportional resident memory (PSS, MiB) of every process started with this user-data dir (the
 * browser and its children), by process type (`browser`, `renderer`, `gpu-process`, `utility`, …).
 */
function browserProcessesMb(userDataDir: string): Map<string, number> {
  const pids = new Set<string>();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(userDataDir)) pids.add(pid);
    } catch {
      /* gone */
    }
  }
  // Children (renderers, GPU, utility) do not all repeat the flag: add descendants.
  let grew = true;
  while (grew) {
    grew = false;
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      if (pids.has(pid)) continue;
      try {
        const ppid = /PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        if (ppid && pids.has(ppid)) {
          pids.add(pid);
          grew = true;
        }
      } catch {
        /* gone */
      }
    }
  }
  const byType = new Map<string, number>();
  for (const pid of pids) {
    try {
      const type = /--type=([a-z-]+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      // PSS: shared pages divided among the processes sharing them (RSS would count them in each).
      const kb = Number(/Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      byType.set(type, (byType.get(type) ?? 0) + kb / 1024);
    } catch {
      /* gone */
    }
  }
  return byType;
}

function browserRssMb(userDataDir: string): number {
  return [...browserProcessesMb(userDataDir).values()].reduce((a, b) => a + b, 0);
}

const breakdown = (m: Map<string, number>) => [...m].map(([type, mb]) => `${type} ${mb.toFixed(0)}`).join(', ');

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
}

/** Clicks "Mở" on a document row and returns ms (page clock) until page 1 is drawn. */
async function openOnce(page: Page, title: string): Promise<number> {
  const row = page.getByTestId('document-row').filter({ hasText: title }).first();
  // A string, not a function: the TypeScript loader would wrap inner functions in helpers the page lacks.
  // It ends in `undefined`: evaluate would otherwise wait for the promise, which only the click settles.
  await page.evaluate(`window.__benchPainted = new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (document.querySelector('[data-testid="pdf-page-1"][data-rendered="true"]')) {
        obs.disconnect();
        resolve(performance.now());
      }
    });
    obs.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-rendered'], childList: true });
  }); undefined`);
  const handle = await row.getByTestId('open-document').elementHandle();
  const start = await page.evaluate((b) => {
    const t = performance.now();
    (b as HTMLElement).click();
    return t;
  }, handle);
  const painted = await Promise.race([
    page.evaluate(() => (window as unknown as { __benchPainted: Promise<number> }).__benchPainted),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`page 1 of ${title} was not drawn within 60 s`)), 60_000)),
  ]).catch(async (err: unknown) => {
    await page.screenshot({ path: 'test-results/bench-open-document.png' }).catch(() => undefined);
    throw err;
  });
  return painted - start;
}

async function closeViewer(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByTestId('pdf-viewer').waitFor({ state: 'detached' });
}

async function clearCache(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const req = indexedDB.deleteDatabase('phonghop-documents');
        req.onsuccess = req.onerror = req.onblocked = () => resolve();
      }),
  );
}

async function main(): Promise<void> {
  const server = await startTestServer({ RENDERER_DIR: path.resolve('renderer/dist'), MAX_DOCUMENT_MB: '200' });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-bench-docs-'));
  let context: BrowserContext | null = null;
  try {
    const admin = await TestApi.admin(server.url);
    const chair = await person(admin, 'chair', 'Chủ tọa Đo Hiệu Năng');
    const secretary = await person(admin, 'secretary', 'Thư ký Đo Hiệu Năng');
    const start = new Date(Date.now() + 3600_000);
    const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Đo mở tài liệu', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
    const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${m.id}/agenda`, { items: [{ title: 'Tài liệu đo', durationMinutes: 10 }] });
    const item = withAgenda.agenda[0].id;
    const docs: { title: string; pages: number; bytes: Buffer }[] = [];
    const sample = sharedSample('tong-hop.pdf');
    if (sample) docs.push({ title: 'tong-hop', pages: 81, bytes: sample });
    else console.log('(../shared/samples/tong-hop.pdf not present: measuring the generated document only)');
    docs.push({ title: 'sinh-300-trang', pages: 300, bytes: await makeVietnamesePdf({ pages: 300, title: 'Tài liệu 300 trang' }) });
    for (const d of docs) {
      const res = await uploadFile(secretary.api, `/api/meetings/${m.id}/documents?agendaItemId=${item}`, d.bytes, `${d.title}.pdf`);
      if (res.status !== 201) throw new Error(`upload ${d.title}: ${res.status} ${JSON.stringify(res.body)}`);
    }

    context = await chromium.launchPersistentContext(userDataDir, { executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, baseURL: server.url, locale: 'vi-VN', viewport: { width: 1280, height: 800 } });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await page.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(secretary.username);
    await page.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Cuộc họp của tôi' }).waitFor();
    await page.goto(`/#/meetings/${m.id}`);
    await page.getByTestId('document-row').first().waitFor();
    console.log(`baseline: browser PSS ${browserRssMb(userDataDir).toFixed(0)} MB (${breakdown(browserProcessesMb(userDataDir))}), JS heap ${(await heapMb(page)).toFixed(1)} MB`);

    for (const d of docs) {
      const cold: number[] = [];
      const warm: number[] = [];
      let peakRss = 0;
      let peakHeap = 0;
      for (let i = 0; i < RUNS; i++) {
        await clearCache(page);
        cold.push(await openOnce(page, d.title));
        peakRss = Math.max(peakRss, browserRssMb(userDataDir));
        peakHeap = Math.max(peakHeap, await heapMb(page));
        await closeViewer(page);
        warm.push(await openOnce(page, d.title));
        await closeViewer(page);
      }
      console.log(
        `${d.title} (${d.pages} pages, ${(d.bytes.length / 1024 / 1024).toFixed(2)} MB): first page painted, from the server median ${median(cold).toFixed(0)} ms [${cold.map((x) => x.toFixed(0)).join(', ')}], from the device cache median ${median(warm).toFixed(0)} ms [${warm.map((x) => x.toFixed(0)).join(', ')}] (target < ${TARGET_MS} ms); after opening: JS heap ${peakHeap.toFixed(1)} MB, browser PSS ${peakRss.toFixed(0)} MB (target < ${TARGET_MB} MB)`,
      );
    }

    // Scroll the 300-page document from top to bottom: memory stays bounded (pages far from view are released).
    const big = docs[docs.length - 1]!;
    await openOnce(page, big.title);
    const scroller = page.getByTestId('viewer-scroller');
    const t0 = Date.now();
    let maxRss = 0;
    let atPeak = new Map<string, number>();
    let maxHeap = 0;
    for (;;) {
      const done = await scroller.evaluate((el) => {
        el.scrollBy(0, el.clientHeight);
        return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
      });
      await page.waitForTimeout(60);
      const now = browserProcessesMb(userDataDir);
      const total = [...now.values()].reduce((a, b) => a + b, 0);
      if (total > maxRss) [maxRss, atPeak] = [total, now];
      if (done) break;
    }
    await page.waitForTimeout(500);
    maxHeap = await heapMb(page);
    const after = browserProcessesMb(userDataDir);
    // And once the page's garbage is collected (canvases and text layers left behind are freed then).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(2000);
    const collected = browserProcessesMb(userDataDir);
    const drawn = await page.locator('[data-testid^="pdf-page-"][data-rendered="true"]').count();
    console.log(`${big.title}: scrolled through all ${big.pages} pages in ${((Date.now() - t0) / 1000).toFixed(1)} s; pages drawn at the end ${drawn}; peak browser PSS ${maxRss.toFixed(0)} MB (${breakdown(atPeak)}), at the end ${[...after.values()].reduce((a, b) => a + b, 0).toFixed(0)} MB (${breakdown(after)}), JS heap at the end ${maxHeap.toFixed(1)} MB; after a garbage collection ${[...collected.values()].reduce((a, b) => a + b, 0).toFixed(0)} MB (${breakdown(collected)}) (target < ${TARGET_MB} MB)`);
  } finally {
    await context?.close();
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
