/** Uploads are judged by content: real PDFs pass with their page count; disguised, cut, encrypted, empty files are refused with their reason. */
import { describe, expect, it } from 'vitest';
import { checkPdfBytes, PdfRefused } from '../../../sfu-server/src/documents/pdf-check';
import { makeVietnamesePdf, PNG_1X1 } from '../../support/pdf-samples';

async function reason(bytes: Uint8Array): Promise<string> {
  try {
    await checkPdfBytes(bytes);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(PdfRefused);
    const refused = err as PdfRefused;
    expect(refused.messageKey).toBe(`documents.errors.${refused.reason}`);
    return refused.reason;
  }
}

describe('checkPdfBytes', () => {
  it('accepts a PDF and counts its pages', async () => {
    expect(await checkPdfBytes(await makeVietnamesePdf({ pages: 4 }))).toEqual({ pageCount: 4 });
  });

  it('accepts a little junk before the header (allowed by the PDF specification)', async () => {
    const pdf = await makeVietnamesePdf({ pages: 1 });
    expect(await reason(Buffer.concat([Buffer.from('\r\n  '), pdf]))).toBe('accepted');
  });

  it('refuses a PNG named .pdf', async () => {
    expect(await reason(PNG_1X1)).toBe('notPdf');
  });

  it('refuses text that merely mentions %PDF- later on', async () => {
    expect(await reason(Buffer.concat([Buffer.alloc(2048, 65), Buffer.from('%PDF-1.7\n%%EOF\n')]))).toBe('notPdf');
  });

  it('refuses a truncated PDF, with or without a forged %%EOF', async () => {
    const pdf = await makeVietnamesePdf({ pages: 3 });
    const cut = pdf.subarray(0, Math.floor(pdf.length * 0.7));
    expect(await reason(cut)).toBe('broken');
    expect(await reason(Buffer.concat([cut, Buffer.from('\n%%EOF\n')]))).toBe('broken');
  });

  it('refuses an encrypted PDF', async () => {
    expect(await reason(await makeVietnamesePdf({ pages: 1, userPassword: 'mat-khau-bi-mat' }))).toBe('encrypted');
  });

  it('refuses an empty file and a header with nothing after it', async () => {
    expect(await reason(new Uint8Array())).toBe('empty');
    expect(await reason(Buffer.from('%PDF-1.7\n%%EOF\n'))).toBe('broken');
  });

  it('over the limit is a 413 too_large refusal with its own message key', () => {
    const err = new PdfRefused('tooLarge', 'x');
    expect(err.code).toBe('too_large');
    expect(err.messageKey).toBe('documents.errors.tooLarge');
  });
});
