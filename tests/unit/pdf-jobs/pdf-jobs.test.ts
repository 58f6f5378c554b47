/**
 * The PDF worker pool on its own: good PDFs go through every kind of job; a decompression bomb is
 * refused by the decode budget, a parse that runs long is stopped at its CPU limit, a full pool
 * refuses at once with 503, and the main thread's event loop stays free meanwhile.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../sfu-server/src/errors';
import { PdfJobs } from '../../../sfu-server/src/pdf-jobs/pdf-jobs';
import { inflateBombPdf, manyObjectsPdf } from '../../support/pdf-bombs';
import { makeSamplePdf } from '../../support/sample-pdf';

const jobs = new PdfJobs({ threads: 1, queue: 1, cpuSeconds: 1, memoryMb: 256, decodedMb: 64 });
afterAll(() => jobs.close());

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as AppError);

describe('PdfJobs', () => {
  it('reads, verifies and prepares a good PDF off the main thread', async () => {
    const pdf = await makeSamplePdf({ pages: 2 });
    expect(await jobs.load(pdf)).toEqual({ pageCount: 2 });
    expect(pdf.length).toBeGreaterThan(0); // `load` keeps the caller's bytes
    const report = await jobs.verify(pdf, []);
    expect(report).toMatchObject({ signatures: [], revisions: 1, size: pdf.length });
  });

  it('refuses an object stream that inflates to 1 GiB (decode budget), quickly', async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t = Date.now();
    const err = await refusal(jobs.verify(inflateBombPdf(), []));
    loop.disable();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'too_large', details: { reason: 'too_complex', limit: 'decoded' } });
    console.log(`inflate bomb refused in ${Date.now() - t} ms; main event-loop delay max ${(loop.max / 1e6).toFixed(1)} ms`);
    expect(jobs.stats().refusedDecoded).toBe(1);
  }, 60_000);

  it('stops a parse that runs past its CPU limit, refuses a job with no room, and serves the next one', async () => {
    const many = manyObjectsPdf({ bytes: 16 * 1024 * 1024 });
    const first = refusal(jobs.load(many));
    const second = refusal(jobs.load(many));
    // One running, one waiting: the third is refused at once.
    const third = await refusal(jobs.load(many));
    expect(third).toMatchObject({ code: 'unavailable', details: { reason: 'pdf_busy' } });
    for (const err of [await first, await second]) {
      expect(err).toMatchObject({ code: 'too_large', details: { reason: 'too_complex' } });
      expect(['cpu', 'time', 'memory']).toContain((err!.details as { limit: string }).limit);
    }
    expect(await jobs.load(await makeSamplePdf({ pages: 3 }))).toEqual({ pageCount: 3 });
    const s = jobs.stats();
    expect(s.refusedBusy).toBe(1);
    expect(s.stoppedCpu + s.stoppedMemory).toBe(2);
  }, 180_000);
});

describe('PdfJobs, one account among others', () => {
  // One thread and four waiting places; an account may hold two of the five.
  const shared = new PdfJobs({ threads: 1, queue: 4, cpuSeconds: 1, memoryMb: 256, decodedMb: 64, perAccount: 2 });
  afterAll(() => shared.close());

  it('an account at its share is refused (429, Retry-After) while another account is still served', async () => {
    const many = manyObjectsPdf({ bytes: 16 * 1024 * 1024 });
    const first = refusal(shared.load(many, { owner: 'a' }));
    const second = refusal(shared.load(many, { owner: 'a' }));
    expect(shared.accountBusy('a')).toBe(true);
    expect(shared.accountBusy('b')).toBe(false);
    // The queue still has room (two of five taken), but not for account a.
    const third = await refusal(shared.load(many, { owner: 'a' }));
    expect(third).toMatchObject({ code: 'rate_limited', details: { reason: 'pdf_account_busy', retryAfterSeconds: 5, perAccount: 2 } });
    expect(shared.busy()).toBe(false);
    // Account b gets its PDF read meanwhile (after a's, one thread).
    expect(await shared.load(await makeSamplePdf({ pages: 2 }), { owner: 'b' })).toEqual({ pageCount: 2 });
    for (const err of [await first, await second]) expect(err).toMatchObject({ code: 'too_large', details: { reason: 'too_complex' } });
    // Its jobs done, account a is served again.
    expect(shared.accountBusy('a')).toBe(false);
    expect(await shared.load(await makeSamplePdf({ pages: 1 }), { owner: 'a' })).toEqual({ pageCount: 1 });
    expect(shared.stats()).toMatchObject({ refusedAccount: 1, refusedBusy: 0, running: 0, waiting: 0 });
  }, 180_000);

  it('the share is a third of the places by default (at least one)', () => {
    const jobs = [new PdfJobs({ threads: 1, queue: 8 }), new PdfJobs({ threads: 1, queue: 1 }), new PdfJobs({ threads: 4, queue: 20 })];
    expect(jobs.map((j) => j.limits.perAccount)).toEqual([3, 1, 8]);
    return Promise.all(jobs.map((j) => j.close()));
  });
});
