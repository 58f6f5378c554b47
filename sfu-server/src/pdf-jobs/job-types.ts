/**
 * What the main thread asks the PDF worker threads (pdf-worker.ts) and what they answer. Everything
 * here crosses a thread boundary by structured clone: plain data, typed arrays (transferred), Dates.
 */
import type { MessagePort } from 'node:worker_threads';
import type { MinutesRecord } from '../../../common/api/minutes';
import type { VerificationReport } from '../../../common/api/signing';
import type { SignatureRequest } from '../signing/pades';

export type PdfTask =
  /** The upload check (documents/pdf-check.ts) of a file on disk or of bytes. */
  | { kind: 'check'; file: string }
  | { kind: 'check'; bytes: Uint8Array }
  /** pdf-lib can read it (a document put up for signing). */
  | { kind: 'load'; bytes: Uint8Array }
  /** Every signature of the PDF, against these trusted authorities (DER). */
  | { kind: 'verify'; bytes: Uint8Array; anchors: Uint8Array[] }
  /** The PDF with an empty signature appended, for this chain (DER, signer first). */
  | { kind: 'prepare'; bytes: Uint8Array; chain: Uint8Array[]; request: SignatureRequest }
  /** The minutes' PDF (pdfmake). */
  | { kind: 'minutes'; record: MinutesRecord };

export interface PreparedResult {
  pdf: Uint8Array;
  byteRange: [number, number, number, number];
  fieldName: string;
  attributesDer: Uint8Array;
  digest: Uint8Array;
  signingTime: Date;
}

export interface PdfResults {
  check: { pageCount: number };
  load: { pageCount: number };
  verify: VerificationReport;
  prepare: PreparedResult;
  minutes: Uint8Array;
}

/** An error meant for the client, as it crosses back from the worker (AppError / PdfRefused fields). */
export interface JobError {
  code: string;
  message: string;
  details?: unknown;
  messageKey?: string;
  /** Set when it was a PdfRefused (the upload check's reasons). */
  refused?: string;
}

export type JobOutcome<K extends PdfTask['kind']> = { ok: true; value: PdfResults[K] } | { ok: false; error: JobError };

/** What the main thread hands the worker: the task, and a port on which the worker says it has started. */
export interface JobEnvelope {
  task: PdfTask;
  port: MessagePort;
  /** Most bytes any one stream may decode to, and all streams of the job together. */
  decodeLimits: { perStream: number; total: number };
}

/** Sent on the port when the job starts: the worker thread's kernel thread id (Linux), for its CPU time. */
export interface JobStarted {
  started: true;
  tid: number | null;
}
