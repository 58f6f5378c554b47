/**
 * "Xuất PDF kèm ghi chú": marks flattened into a copy of the PDF, with Vietnamese note text that a
 * PDF reader extracts back exactly (Be Vietnam Pro's Latin and Vietnamese subsets both embedded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, degrees } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { flattenAnnotations } from '../../../renderer/src/features/annotations/flatten-pdf';
import type { Mark } from '../../../renderer/src/features/annotations/mark-model';

const fontDir = path.resolve('node_modules/@fontsource/be-vietnam-pro/files');
const fonts = {
  latin: new Uint8Array(fs.readFileSync(path.join(fontDir, 'be-vietnam-pro-latin-400-normal.woff'))),
  vietnamese: new Uint8Array(fs.readFileSync(path.join(fontDir, 'be-vietnam-pro-vietnamese-400-normal.woff'))),
};

const mark = (m: Partial<Mark>): Mark => ({ id: 'x', author: 'a', authorName: 'Nguyễn Văn Ánh', tool: 'pen', color: '#d62828', width: 0.003, points: [0.1, 0.1, 0.5, 0.5], text: '', at: '', ...m });

async function source(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage([595, 842]);
  pdf.addPage([595, 842]).setRotation(degrees(90));
  return pdf.save();
}

async function textOf(bytes: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: bytes.slice(), useSystemFonts: false, disableFontFace: true }).promise;
  const out: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    out.push(content.items.map((i) => ('str' in i ? i.str : '')).join(''));
  }
  await doc.destroy();
  return out;
}

describe('flattening annotations into the PDF', () => {
  it('draws strokes and notes; note text in Vietnamese comes back out of the PDF unchanged', async () => {
    const note = 'Đề nghị bổ sung số liệu quý III – được không?';
    const bytes = await flattenAnnotations({
      pdf: await source(),
      pages: new Map([
        [
          1,
          [
            { mark: mark({ id: 's1' }), layer: 'shared' },
            { mark: mark({ id: 'h1', tool: 'highlighter', color: '#facc15', width: 0.018, points: [0.1, 0.3, 0.8, 0.3] }), layer: 'shared' },
            { mark: mark({ id: 'n1', tool: 'note', points: [0.5, 0.1], text: note }), layer: 'shared' },
            { mark: mark({ id: 'n2', tool: 'note', points: [0.1, 0.7], text: 'Ghi nhớ: hỏi Sở Tài chính' }), layer: 'private' },
          ],
        ],
        [2, [{ mark: mark({ id: 'n3', tool: 'note', points: [0.2, 0.2], text: 'Trang xoay ngang' }), layer: 'shared' }]],
        [9, [{ mark: mark({ id: 'beyond' }), layer: 'shared' }]],
      ]),
      fonts,
      privateLabel: 'Ghi chú riêng',
      title: 'Báo cáo kèm ghi chú',
    });
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(2);
    expect(pdf.getTitle()).toBe('Báo cáo kèm ghi chú');
    const [page1, page2] = await textOf(bytes);
    const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
    for (const expected of ['Nguyễn Văn Ánh', note, 'Ghi chú riêng', 'Ghi nhớ: hỏi Sở Tài chính']) expect(squash(page1!)).toContain(squash(expected));
    expect(squash(page2!)).toContain(squash('Trang xoay ngang'));
    // The original is untouched and smaller (no fonts, no drawings).
    expect(bytes.byteLength).toBeGreaterThan((await source()).byteLength);
  });
});
