/**
 * Is this file a PDF we can hand out? Judged by its content, never its name: it must start with
 * `%PDF-`, end with `%%EOF` (a cut-off upload does not), parse with pdf-lib (strictly: an invalid
 * object is an error), not be encrypted (readers could not open it, and it cannot be checked), and
 * have at least one page. It runs in a PDF worker thread (pdf-jobs/), never on the main thread.
 */
import fs from 'node:fs/promises';
import { EncryptedPDFError, PDFDocument } from 'pdf-lib';
import type { UploadError } from '../../../common/api/documents';
import { AppError } from '../errors';

export class PdfRefused extends AppError {
  constructor(
    readonly reason: UploadError,
    message: string,
  ) {
    super(reason === 'tooLarge' || reason === 'tooComplex' ? 'too_large' : 'bad_request', message, { reason }, `documents.errors.${reason}`);
  }
}

const HEADER = Buffer.from('%PDF-');
const EOF_MARK = Buffer.from('%%EOF');

/** Checks a PDF already in memory; returns its page count or throws `PdfRefused`. */
export async function checkPdfBytes(bytes: Uint8Array): Promise<{ pageCount: number }> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) throw new PdfRefused('empty', 'the file is empty');
  // The header may follow a little junk (the PDF specification allows it within the first 1 KiB).
  const head = buf.subarray(0, 1024).indexOf(HEADER);
  if (head < 0) throw new PdfRefused('notPdf', 'the file is not a PDF (no %PDF- header)');
  if (buf.subarray(Math.max(0, buf.length - 2048)).indexOf(EOF_MARK) < 0) throw new PdfRefused('broken', 'the PDF is incomplete (no %%EOF at its end)');
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(buf, { throwOnInvalidObject: true, updateMetadata: false });
  } catch (err) {
    if (err instanceof EncryptedPDFError || (err instanceof Error && (err.constructor.name === 'EncryptedPDFError' || /is encrypted/.test(err.message)))) throw new PdfRefused('encrypted', 'the PDF is encrypted or password-protected');
    throw new PdfRefused('broken', `the PDF cannot be read: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
  }
  if (doc.isEncrypted) throw new PdfRefused('encrypted', 'the PDF is encrypted or password-protected');
  let pageCount: number;
  try {
    pageCount = doc.getPageCount();
  } catch {
    throw new PdfRefused('broken', 'the PDF page tree cannot be read');
  }
  if (pageCount < 1) throw new PdfRefused('broken', 'the PDF has no pages');
  return { pageCount };
}

/** Checks a PDF file on disk. */
export async function checkPdfFile(file: string): Promise<{ pageCount: number }> {
  return checkPdfBytes(await fs.readFile(file));
}
