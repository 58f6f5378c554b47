/**
 * PDFs for tests and benchmarks, made here so they work without ../shared/samples: pdfmake with
 * the Roboto font it ships (it covers Vietnamese), embedded and subset, so pdf.js extracts the
 * text with its diacritics. Also an encrypted one (pdfmake's user password) and broken variants.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (p: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

let pdfmake: PdfMake | null = null;

function maker(): PdfMake {
  if (pdfmake) return pdfmake;
  const pm = require('pdfmake') as PdfMake;
  const dir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'build/fonts/Roboto');
  pm.setFonts({
    Roboto: {
      normal: path.join(dir, 'Roboto-Regular.ttf'),
      bold: path.join(dir, 'Roboto-Medium.ttf'),
      italics: path.join(dir, 'Roboto-Italic.ttf'),
      bolditalics: path.join(dir, 'Roboto-MediumItalic.ttf'),
    },
  });
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy((p) => p.startsWith(dir));
  pdfmake = pm;
  return pm;
}

export const VIETNAMESE_LINES = [
  'Báo cáo tình hình kinh tế – xã hội tỉnh Quảng Ninh',
  'Ủy ban nhân dân tỉnh đề nghị Hội đồng nhân dân xem xét, quyết định.',
  'Đẩy mạnh chuyển đổi số, cải cách hành chính; bảo đảm an sinh xã hội.',
];

export interface SamplePdfOptions {
  pages?: number;
  title?: string;
  /** Encrypts the PDF with this user password. */
  userPassword?: string;
}

/** A PDF with `pages` pages of Vietnamese text; page N says "Trang N". */
export async function makeVietnamesePdf(opts: SamplePdfOptions = {}): Promise<Buffer> {
  const pages = opts.pages ?? 3;
  const content: unknown[] = [];
  for (let n = 1; n <= pages; n++) {
    content.push({ text: `${opts.title ?? 'Tài liệu họp'} — Trang ${n}`, fontSize: 20, bold: true, margin: [0, 0, 0, 12], ...(n > 1 ? { pageBreak: 'before' } : {}) });
    for (const line of VIETNAMESE_LINES) content.push({ text: line, fontSize: 13, margin: [0, 0, 0, 8] });
    content.push({ text: `Mục ${n}: Nội dung chi tiết của trang số ${n}.`, fontSize: 12 });
  }
  const doc: Record<string, unknown> = { content, defaultStyle: { font: 'Roboto' }, info: { title: opts.title ?? 'Tài liệu họp' } };
  if (opts.userPassword) Object.assign(doc, { userPassword: opts.userPassword, ownerPassword: `${opts.userPassword}-owner`, version: '1.7' });
  return maker().createPdf(doc).getBuffer();
}

/** A real PNG (a 1×1 image) — to be uploaded under a .pdf name. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A sample from ../shared/samples when the machine has it, else null. */
export function sharedSample(name: string): Buffer | null {
  const file = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../../shared/samples', name);
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}

export const OUTLINE_CHAPTERS = ['Tình hình kinh tế – xã hội', 'Thu chi ngân sách', 'Phương án điều hành', 'Kiến nghị'];

/**
 * A PDF with a table of contents both ways: the PDF outline (bookmarks: chapter N is on page
 * N + 1, with a nested entry under chapter 2) and a contents page (page 1) whose lines are
 * internal links to the chapters. Made with pdfmake's `outline` and `linkToDestination`.
 */
export async function makeOutlinedPdf(title = 'Báo cáo có mục lục'): Promise<Buffer> {
  const content: unknown[] = [{ text: `${title} — Mục lục`, fontSize: 20, bold: true, margin: [0, 0, 0, 16] }];
  OUTLINE_CHAPTERS.forEach((name, i) => content.push({ text: `Chương ${i + 1}. ${name}`, linkToDestination: `chuong-${i + 1}`, color: 'blue', fontSize: 14, margin: [0, 0, 0, 10] }));
  OUTLINE_CHAPTERS.forEach((name, i) => {
    const n = i + 1;
    content.push({ text: `Chương ${n}. ${name}`, id: `chuong-${n}`, outline: true, outlineExpanded: true, fontSize: 20, bold: true, margin: [0, 0, 0, 12], pageBreak: 'before' });
    for (const line of VIETNAMESE_LINES) content.push({ text: line, fontSize: 13, margin: [0, 0, 0, 8] });
    if (n === 2) content.push({ text: `Mục ${n}.1. Chi tiết thu ngân sách`, id: `muc-${n}-1`, outline: true, outlineParentId: `chuong-${n}`, fontSize: 15, margin: [0, 300, 0, 8] });
    if (n === 3) content.push({ text: 'Phương án điều hành ngân sách năm 2027 của tỉnh.', fontSize: 13 });
  });
  const doc = { content, defaultStyle: { font: 'Roboto' }, info: { title } };
  return maker().createPdf(doc).getBuffer();
}
