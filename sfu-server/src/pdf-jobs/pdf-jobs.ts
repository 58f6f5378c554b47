/**
 * Every PDF the server parses or transforms (the upload check, signature verification, preparing a
 * signature, checking a document put up for signing, rendering the minutes) is handled here, off the
 * main thread, in a pool of worker threads (piscina) with limits per job:
 *   - CPU time: the thread's own CPU time is read from /proc while the job runs (Linux; wall-clock
 *     time elsewhere), and the thread is terminated when the job exceeds it; a wall-clock backstop
 *     (three times that, at least 30 s) covers a machine so busy the job barely runs;
 *   - memory: the thread's JavaScript heap (`resourceLimits`: the thread dies, not the server) and
 *     what pdf-lib may decompress (decode-budget.ts: those buffers are outside the heap);
 *   - concurrency: `threads` jobs at once, `queue` more waiting, and beyond that a clear 503
 *     (`busy()` lets routes refuse before they read a body); one account (a job's `owner`) may have
 *     at most `perAccount` of them, running or waiting, beyond that 429 with Retry-After
 *     (`accountBusy()`), so one account cannot fill the queue everyone shares.
 * The threads run at a lower scheduling priority (nice +10) than the main thread and the media
 * workers, so a PDF being read never takes the processor from a conference.
 */
import { MessageChannel } from 'node:worker_threads';
import os from 'node:os';
import { Piscina } from 'piscina';
import type { MinutesRecord } from '../../../common/api/minutes';
import type { VerificationReport } from '../../../common/api/signing';
import type { UploadError } from '../../../common/api/documents';
import type { ErrorCode } from '../../../common/protocol';
import { PdfRefused } from '../documents/pdf-check';
import { AppError } from '../errors';
import type { SignatureRequest } from '../signing/pades';
import type { JobEnvelope, JobOutcome, JobStarted, PdfResults, PdfTask, PreparedResult } from './job-types';
import { threadCpuSeconds } from './thread-cpu';

export interface PdfJobLimits {
  /** Worker threads (jobs at once). */
  threads: number;
  /** Jobs that may wait for a thread; more are refused (503). */
  queue: number;
  /** CPU seconds one job may use. */
  cpuSeconds: number;
  /** JavaScript heap of one worker thread, MiB. */
  memoryMb: number;
  /** What one job may decompress, MiB in all (a quarter of it for any one stream). */
  decodedMb: number;
  /** Jobs (running or waiting) one account may have at once; more are refused (429). */
  perAccount: number;
}

/** A third of the places (at least one): two other accounts can still be served while one is at its limit. */
export function defaultPerAccount(limits: Pick<PdfJobLimits, 'threads' | 'queue'>): number {
  return Math.max(1, Math.floor((limits.threads + limits.queue) / 3));
}

/** Who a job is for: its account's jobs count against `perAccount`. */
export interface JobOwner {
  owner?: string;
}

/** Seconds an account over its limit is told to wait: a typical job is done by then. */
const ACCOUNT_RETRY_SECONDS = 5;

/** The limits from the server's configuration (PDF_WORKERS, PDF_QUEUE, PDF_JOB_CPU_SECONDS, PDF_JOB_MEMORY_MB). */
export function pdfJobLimitsFrom(config: { PDF_WORKERS?: number | undefined; PDF_QUEUE: number; PDF_JOB_CPU_SECONDS: number; PDF_JOB_MEMORY_MB: number }): PdfJobLimits {
  const threads = config.PDF_WORKERS ?? DEFAULT_PDF_JOB_LIMITS.threads;
  return {
    threads,
    queue: config.PDF_QUEUE,
    cpuSeconds: config.PDF_JOB_CPU_SECONDS,
    memoryMb: config.PDF_JOB_MEMORY_MB,
    decodedMb: Math.max(16, Math.floor(config.PDF_JOB_MEMORY_MB / 2)),
    perAccount: defaultPerAccount({ threads, queue: config.PDF_QUEUE }),
  };
}

const DEFAULT_THREADS = Math.max(1, Math.floor(os.availableParallelism() / 4));

export const DEFAULT_PDF_JOB_LIMITS: PdfJobLimits = {
  // A quarter of the cores (at least one): the rest is for the main thread and the media workers.
  threads: DEFAULT_THREADS,
  queue: 8,
  cpuSeconds: 20,
  memoryMb: 512,
  decodedMb: 256,
  perAccount: defaultPerAccount({ threads: DEFAULT_THREADS, queue: 8 }),
};

/** How the pool has fared, for /metrics. */
export interface PdfJobStats {
  running: number;
  waiting: number;
  completed: number;
  refusedBusy: number;
  /** Refused because the job's account already had `perAccount` jobs. */
  refusedAccount: number;
  stoppedCpu: number;
  stoppedMemory: number;
  refusedDecoded: number;
}

type Why = 'cpu' | 'wall' | 'queue';

/** Kept bytes must be copied; given ones are transferred (the caller's view becomes empty). */
function transferable(bytes: Uint8Array, keep: boolean): { bytes: Uint8Array; buffer: ArrayBuffer } {
  const whole = !keep && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const own = whole ? bytes : new Uint8Array(bytes);
  return { bytes: own, buffer: own.buffer as ArrayBuffer };
}

export class PdfJobs {
  readonly limits: PdfJobLimits;
  readonly #pool: Piscina<JobEnvelope, JobOutcome<PdfTask['kind']>>;
  #running = 0;
  #waiting = 0;
  /** Jobs running or waiting, by owner (only owners with at least one). */
  readonly #byOwner = new Map<string, number>();
  readonly #stats = { completed: 0, refusedBusy: 0, refusedAccount: 0, stoppedCpu: 0, stoppedMemory: 0, refusedDecoded: 0 };
  readonly #log: ((msg: string, fields: Record<string, unknown>) => void) | undefined;

  constructor(limits: Partial<PdfJobLimits> = {}, log?: (msg: string, fields: Record<string, unknown>) => void) {
    const given = { ...DEFAULT_PDF_JOB_LIMITS, ...limits };
    this.limits = { ...given, perAccount: limits.perAccount ?? defaultPerAccount(given) };
    this.#log = log;
    this.#pool = new Piscina({
      filename: new URL('./pdf-worker-entry.mjs', import.meta.url).href,
      // All threads kept: piscina starts no new thread for jobs already waiting when one is
      // terminated (a job over its limit) and fewer than minThreads remain.
      minThreads: this.limits.threads,
      maxThreads: this.limits.threads,
      maxQueue: this.limits.queue,
      idleTimeout: 5 * 60_000,
      niceIncrement: 10,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
    });
  }

  /** No room for one more job now: routes refuse before reading a body. */
  busy(): boolean {
    return this.#running + this.#waiting >= this.limits.threads + this.limits.queue;
  }

  /** This account has as many jobs as it may: routes refuse it (429) before they read a body. */
  accountBusy(owner: string): boolean {
    return (this.#byOwner.get(owner) ?? 0) >= this.limits.perAccount;
  }

  /** The refusal for a route that finds `accountBusy()` before reading its body. */
  refuseAccount(): AppError {
    this.#stats.refusedAccount++;
    return accountBusyError(this.limits.perAccount);
  }

  /** The refusal for a route that finds `busy()` before reading its body (counted with the pool's own). */
  refuseBusy(): AppError {
    this.#stats.refusedBusy++;
    return busyError();
  }

  stats(): PdfJobStats {
    return { running: this.#running, waiting: this.#waiting, ...this.#stats };
  }

  /** The upload check of a file on disk (documents/pdf-check.ts): its page count, or PdfRefused. */
  check(file: string, { owner }: JobOwner = {}): Promise<{ pageCount: number }> {
    return this.#run({ kind: 'check', file }, [], owner);
  }

  /** pdf-lib can read it (a PDF put up for signing); `bytes` stay the caller's. */
  load(bytes: Uint8Array, { owner }: JobOwner = {}): Promise<{ pageCount: number }> {
    const t = transferable(bytes, true);
    return this.#run({ kind: 'load', bytes: t.bytes }, [t.buffer], owner);
  }

  /** Verifies every signature; `keep: false` hands the bytes over (no copy). */
  verify(bytes: Uint8Array, anchors: Uint8Array[], { keep = true, owner }: { keep?: boolean } & JobOwner = {}): Promise<VerificationReport> {
    const t = transferable(bytes, keep);
    return this.#run({ kind: 'verify', bytes: t.bytes, anchors }, [t.buffer], owner);
  }

  /** The PDF with an empty signature for `chain` (DER, signer first); `bytes` are handed over. */
  prepare(bytes: Uint8Array, chain: Uint8Array[], request: SignatureRequest, { owner }: JobOwner = {}): Promise<PreparedResult> {
    const t = transferable(bytes, false);
    return this.#run({ kind: 'prepare', bytes: t.bytes, chain, request }, [t.buffer], owner);
  }

  /** The minutes' PDF. */
  async minutes(record: MinutesRecord, { owner }: JobOwner = {}): Promise<Buffer> {
    const bytes = await this.#run({ kind: 'minutes', record }, [], owner);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  async #run<K extends PdfTask['kind']>(task: PdfTask & { kind: K }, transfer: ArrayBuffer[], owner?: string): Promise<PdfResults[K]> {
    if (owner !== undefined && this.accountBusy(owner)) throw this.refuseAccount();
    if (this.busy()) {
      this.#stats.refusedBusy++;
      throw busyError();
    }
    if (owner !== undefined) this.#byOwner.set(owner, (this.#byOwner.get(owner) ?? 0) + 1);
    const channel = new MessageChannel();
    const abort = new AbortController();
    let why: Why | null = null;
    let started = false;
    let cpuTimer: NodeJS.Timeout | undefined;
    let wallTimer: NodeJS.Timeout | undefined;
    // A job that never gets a thread (it should, within the jobs ahead of it) is given up as busy.
    const queueTimer = setTimeout(() => started || stop('queue'), (this.limits.queue + 2) * Math.max(3 * this.limits.cpuSeconds, 30) * 1000);
    queueTimer.unref();
    const stop = (reason: Why) => {
      why ??= reason;
      abort.abort();
    };
    this.#waiting++;
    channel.port1.on('message', (m: JobStarted) => {
      if (started || !m.started) return;
      started = true;
      this.#waiting--;
      this.#running++;
      const limit = this.limits.cpuSeconds;
      const base = m.tid !== null ? threadCpuSeconds(m.tid) : null;
      if (m.tid !== null && base !== null) {
        const tid = m.tid;
        cpuTimer = setInterval(() => {
          const now = threadCpuSeconds(tid);
          if (now !== null && now - base > limit) stop('cpu');
        }, 100);
        cpuTimer.unref();
        wallTimer = setTimeout(() => stop('wall'), Math.max(3 * limit, 30) * 1000);
      } else {
        wallTimer = setTimeout(() => stop('wall'), limit * 1000);
      }
      wallTimer.unref();
    });
    const envelope: JobEnvelope = { task, port: channel.port2, decodeLimits: { perStream: (this.limits.decodedMb * 1024 * 1024) / 4, total: this.limits.decodedMb * 1024 * 1024 } };
    let outcome: JobOutcome<K>;
    try {
      outcome = (await this.#pool.run(envelope, { signal: abort.signal, transferList: [channel.port2, ...transfer] })) as JobOutcome<K>;
    } catch (err) {
      throw this.#failure(task.kind, err, why);
    } finally {
      clearInterval(cpuTimer);
      clearTimeout(wallTimer);
      clearTimeout(queueTimer);
      channel.port1.close();
      if (started) this.#running--;
      else this.#waiting--;
      if (owner !== undefined) {
        const left = (this.#byOwner.get(owner) ?? 1) - 1;
        if (left > 0) this.#byOwner.set(owner, left);
        else this.#byOwner.delete(owner);
      }
    }
    this.#stats.completed++;
    if (outcome.ok) return outcome.value;
    const e = outcome.error;
    if ((e.details as { limit?: string } | undefined)?.limit === 'decoded') {
      this.#stats.refusedDecoded++;
      this.#log?.('a PDF was refused: it decompresses to too much', { kind: task.kind });
    }
    if (e.refused) throw new PdfRefused(e.refused as UploadError, e.message);
    throw new AppError(e.code as ErrorCode, e.message, e.details, e.messageKey ?? (e.code === 'too_large' ? 'apiErrors.pdfTooComplex' : undefined));
  }

  #failure(kind: PdfTask['kind'], err: unknown, why: Why | null): Error {
    const code = (err as { code?: string }).code;
    if (why === 'queue') {
      this.#stats.refusedBusy++;
      return busyError();
    }
    if (why) {
      this.#stats.stoppedCpu++;
      const limit = this.limits.cpuSeconds;
      this.#log?.('a PDF job was stopped: it ran too long', { kind, why, limitSeconds: limit });
      return why === 'cpu'
        ? tooComplex(`reading this PDF needs more than ${limit} s of processor time: it is refused`, 'cpu')
        : tooComplex('reading this PDF took too long (the PDF is too complex, or the server too busy): it is refused', 'time');
    }
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.#stats.stoppedMemory++;
      this.#log?.('a PDF job was stopped: it needed too much memory', { kind, limitMb: this.limits.memoryMb });
      return tooComplex(`reading this PDF needs more than ${this.limits.memoryMb} MB of memory: it is refused`, 'memory');
    }
    if (err instanceof Error && /queue is at limit/i.test(err.message)) {
      this.#stats.refusedBusy++;
      return busyError();
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

function tooComplex(message: string, limit: 'cpu' | 'time' | 'memory'): AppError {
  return new AppError('too_large', message, { reason: 'too_complex', limit }, 'apiErrors.pdfTooComplex');
}

function accountBusyError(perAccount: number): AppError {
  return new AppError(
    'rate_limited',
    `the server is already reading ${perAccount === 1 ? 'a PDF' : `${perAccount} PDFs`} for you: try again in a few seconds`,
    { reason: 'pdf_account_busy', retryAfterSeconds: ACCOUNT_RETRY_SECONDS, perAccount },
    'apiErrors.rate_limited',
  );
}

function busyError(): AppError {
  return new AppError('unavailable', 'the server is reading as many PDFs as it can at the moment: try again in a minute', { reason: 'pdf_busy', retryAfterSeconds: 30 }, 'apiErrors.pdfBusy');
}

/** A refusal of the upload check for a PDF too costly to read (the upload's own message key). */
export function asUploadRefusal(err: unknown): unknown {
  if (err instanceof AppError && (err.details as { reason?: string } | undefined)?.reason === 'too_complex') return new PdfRefused('tooComplex', err.message);
  return err;
}
