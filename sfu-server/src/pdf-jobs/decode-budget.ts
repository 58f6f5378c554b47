/**
 * A budget on what pdf-lib may decompress while it reads a PDF, in the worker thread only.
 *
 * pdf-lib inflates object streams and cross-reference streams while it parses, into growing
 * Uint8Arrays (DecodeStream.ensureBuffer, ported from pdf.js). Those buffers live outside the
 * JavaScript heap, so the worker's `resourceLimits` do not bound them: a 1 MB stream that inflates
 * to 1 GiB would take 1 GiB (and more while the buffer doubles). Every buffer growth passes through
 * `ensureBuffer`; this caps each stream and the job's total. pdf-lib may catch the error while it
 * tries to recover an invalid object, so the overrun is also remembered and checked after the job.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export class DecodeBudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeBudgetExceeded';
  }
}

interface DecodeStreamProto {
  buffer: Uint8Array;
  ensureBuffer(requested: number): Uint8Array;
}

let limits = { perStream: Number.POSITIVE_INFINITY, total: Number.POSITIVE_INFINITY };
let used = 0;
let overrun: DecodeBudgetExceeded | null = null;
let installed = false;

/** Patches pdf-lib's DecodeStream once (the CommonJS build, the one Node loads for `pdf-lib`). */
export function installDecodeBudget(): void {
  if (installed) return;
  const mod = require('pdf-lib/cjs/core/streams/DecodeStream') as { default: { prototype: DecodeStreamProto } };
  const proto = mod.default.prototype;
  const original = proto.ensureBuffer;
  proto.ensureBuffer = function ensureBuffer(this: DecodeStreamProto, requested: number): Uint8Array {
    const before = this.buffer.byteLength;
    if (requested > before) {
      if (requested > limits.perStream) fail(`a compressed stream of the PDF inflates to more than ${mb(limits.perStream)} MB`);
      const buffer = original.call(this, requested);
      used += buffer.byteLength - before;
      if (used > limits.total) fail(`the compressed streams of the PDF inflate to more than ${mb(limits.total)} MB`);
      return buffer;
    }
    return original.call(this, requested);
  };
  installed = true;
}

function fail(message: string): never {
  overrun ??= new DecodeBudgetExceeded(message);
  throw overrun;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Starts a job's budget. */
export function resetDecodeBudget(next: { perStream: number; total: number }): void {
  limits = next;
  used = 0;
  overrun = null;
}

/** The overrun of this job, if any (even when pdf-lib swallowed the error). */
export function decodeOverrun(): DecodeBudgetExceeded | null {
  return overrun;
}
