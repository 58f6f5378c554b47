/** PDFs made by the tests (pdf-lib), and the shared meeting pack's agenda when it is there. */
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export async function makeSamplePdf(options: { pages?: number; objectStreams?: boolean; title?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 2); i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(options.title ?? 'Bien ban cuoc hop', { x: 60, y: 760, size: 20, font });
    page.drawText(`Trang ${i + 1}`, { x: 60, y: 730, size: 12, font });
  }
  return doc.save({ useObjectStreams: options.objectStreams ?? true });
}

/** ../shared/samples/agenda.pdf (LibreOffice, classic cross-reference table), if present. */
export function sharedAgendaPdf(): Uint8Array | null {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  // ../shared beside the project (CI, main checkout), or two levels up from a worktree.
  for (const dir of [path.join(root, '../shared'), path.join(root, '../../shared')]) {
    const file = path.join(dir, 'samples/agenda.pdf');
    if (fs.existsSync(file)) return new Uint8Array(fs.readFileSync(file));
  }
  return null;
}
