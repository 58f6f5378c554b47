/**
 * The PDF worker thread (run by piscina through pdf-worker-entry.mjs): every parse or transform of
 * a PDF the server does runs here, never on the main thread. One job at a time per thread; the main
 * thread (pdf-jobs.ts) watches its CPU time and terminates the thread when a job runs too long, and
 * the thread's `resourceLimits` plus the decode budget bound its memory.
 */
import fs from 'node:fs';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { PdfRefused, checkPdfBytes, checkPdfFile } from '../documents/pdf-check';
import { AppError } from '../errors';
import { minutesPdf } from '../minutes/minutes-pdf';
import { parseCertificate } from '../signing/cms';
import { prepareSignature } from '../signing/pades';
import { loadPdf } from '../signing/pdf-placeholder';
import { verifyPdf } from '../signing/verify';
import { decodeOverrun, installDecodeBudget, resetDecodeBudget } from './decode-budget';
import type { JobEnvelope, JobError, JobOutcome, JobStarted, PdfResults, PdfTask } from './job-types';

installDecodeBudget();

/** This thread's kernel thread id (Linux), so the main thread can read its CPU time in /proc. */
function threadId(): number | null {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}
const tid = threadId();

async function perform(task: PdfTask): Promise<PdfResults[PdfTask['kind']]> {
  switch (task.kind) {
    case 'check':
      return 'file' in task ? checkPdfFile(task.file) : checkPdfBytes(task.bytes);
    case 'load': {
      const doc = await loadPdf(task.bytes);
      return { pageCount: doc.getPageCount() };
    }
    case 'verify':
      return verifyPdf(task.bytes, task.anchors);
    case 'prepare': {
      const p = await prepareSignature(task.bytes, task.chain.map(parseCertificate), task.request);
      return { pdf: p.prepared.pdf, byteRange: p.prepared.byteRange, fieldName: p.prepared.fieldName, attributesDer: p.attributes.der, digest: p.digest, signingTime: p.signingTime };
    }
    case 'minutes':
      return new Uint8Array(await minutesPdf(task.record));
  }
}

function asJobError(err: unknown): JobError | null {
  if (err instanceof PdfRefused) return { code: err.code, message: err.message, details: err.details, ...(err.messageKey ? { messageKey: err.messageKey } : {}), refused: err.reason };
  if (err instanceof AppError) return { code: err.code, message: err.message, details: err.details, ...(err.messageKey ? { messageKey: err.messageKey } : {}) };
  return null;
}

/** piscina calls this for each job. Client errors come back as values; anything else is thrown (a server fault). */
export default async function run(envelope: JobEnvelope): Promise<JobOutcome<PdfTask['kind']>> {
  const { task, port } = envelope;
  resetDecodeBudget(envelope.decodeLimits);
  port.postMessage({ started: true, tid } satisfies JobStarted);
  port.close();
  let value: PdfResults[PdfTask['kind']];
  try {
    value = await perform(task);
  } catch (err) {
    const overrun = decodeOverrun();
    if (overrun) return { ok: false, error: { code: 'too_large', message: overrun.message, details: { reason: 'too_complex', limit: 'decoded' } } };
    const known = asJobError(err);
    if (known) return { ok: false, error: known };
    throw err;
  }
  const overrun = decodeOverrun();
  if (overrun) return { ok: false, error: { code: 'too_large', message: overrun.message, details: { reason: 'too_complex', limit: 'decoded' } } };
  // Large results go back without a copy: their buffers are transferred, not cloned.
  const outcome: JobOutcome<PdfTask['kind']> = { ok: true, value };
  const bytes = value instanceof Uint8Array ? value : 'pdf' in value ? value.pdf : null;
  if (!bytes || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return outcome;
  return move({ [transferableSymbol]: [bytes.buffer], [valueSymbol]: outcome } as never) as never;
}
