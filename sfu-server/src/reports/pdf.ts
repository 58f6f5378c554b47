/**
 * PDF documents made on the server (vote results, later the minutes) with pdfmake and an embedded
 * font that covers Vietnamese: Roboto, as shipped inside the pdfmake package itself (so no system
 * font and no download are needed on a closed network; it has every Vietnamese letter with its
 * tone marks). Files are read only from that folder, and no URL is ever fetched.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces';

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');

let ready = false;
function setUp(): void {
  if (ready) return;
  pdfmake.setFonts({
    Roboto: {
      normal: path.join(FONT_DIR, 'Roboto-Regular.ttf'),
      bold: path.join(FONT_DIR, 'Roboto-Medium.ttf'),
      italics: path.join(FONT_DIR, 'Roboto-Italic.ttf'),
      bolditalics: path.join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
    },
  });
  pdfmake.setLocalAccessPolicy((p) => path.resolve(p).startsWith(FONT_DIR + path.sep));
  pdfmake.setUrlAccessPolicy(() => false);
  ready = true;
}

/** Styles shared by the server's documents. */
export const PDF_STYLES: TDocumentDefinitions['styles'] = {
  nation: { fontSize: 11, bold: true, alignment: 'center' },
  motto: { fontSize: 11, bold: true, alignment: 'center', decoration: 'underline' },
  title: { fontSize: 15, bold: true, alignment: 'center', margin: [0, 14, 0, 4] },
  subtitle: { fontSize: 10, alignment: 'center', italics: true, margin: [0, 0, 0, 12] },
  heading: { fontSize: 12, bold: true, margin: [0, 10, 0, 4] },
  small: { fontSize: 8, color: '#555555' },
  tableHeader: { bold: true, fillColor: '#eeeeee' },
};

/** The national heading of Vietnamese administrative documents. */
export const NATIONAL_HEADING: Content[] = [
  { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', style: 'nation' },
  { text: 'Độc lập - Tự do - Hạnh phúc', style: 'motto' },
];

/** A date and time as Vietnamese documents write it, in Vietnam's time (GMT+7). */
export const vnTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) : '');

/** Renders a document (A4, Roboto 10 pt unless it says otherwise) to a PDF buffer. */
export async function renderPdf(doc: TDocumentDefinitions): Promise<Buffer> {
  setUp();
  const full: TDocumentDefinitions = {
    pageSize: 'A4',
    pageMargins: [50, 50, 50, 50],
    styles: PDF_STYLES,
    ...doc,
    defaultStyle: { font: 'Roboto', fontSize: 10, ...doc.defaultStyle },
  };
  return pdfmake.createPdf(full).getBuffer();
}
