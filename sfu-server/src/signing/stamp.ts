/**
 * The visible stamp of a signature: a form XObject (the widget's normal appearance) with the
 * signer's name, title and signing time, written in an embedded subset of a TrueType font that
 * covers Vietnamese (DejaVu Sans from Debian's fonts-dejavu-core, a dependency of the server).
 */
import fs from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFName, PDFRef, beginText, closePath, endText, fill, lineTo, moveTo, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingColor, setFontAndSize, setLineWidth, setStrokingColor, showText, stroke, moveText } from 'pdf-lib';
import { AppError } from '../errors';

export const STAMP_FONT_CANDIDATES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans.ttf', '/usr/local/share/fonts/DejaVuSans.ttf'];

let cachedFont: Uint8Array | null = null;

/** The stamp font's bytes: `SIGNATURE_FONT_FILE`, else DejaVu Sans where Debian puts it. */
export function stampFontBytes(): Uint8Array {
  if (cachedFont) return cachedFont;
  const candidates = [process.env.SIGNATURE_FONT_FILE, ...STAMP_FONT_CANDIDATES].filter((p): p is string => Boolean(p));
  for (const file of candidates) {
    if (fs.existsSync(file)) {
      cachedFont = new Uint8Array(fs.readFileSync(file));
      return cachedFont;
    }
  }
  throw new AppError('bad_request', `no font for signature stamps: install fonts-dejavu-core or set SIGNATURE_FONT_FILE (looked at ${candidates.join(', ')})`);
}

export interface StampText {
  /** The signer's name (from the certificate). */
  name: string;
  /** Title / position, e.g. "Chủ tọa". May be empty. */
  title: string;
  /** Organisation from the certificate. May be empty. */
  organization: string;
  signingTime: Date;
}

export const STAMP_WIDTH = 210;
export const STAMP_HEIGHT = 64;

/** "23/11/2026 21:52:07 (GMT+7)": Việt Nam has one time zone and no summer time. */
export function vietnamTime(at: Date): string {
  const t = new Date(at.getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.getUTCDate())}/${p(t.getUTCMonth() + 1)}/${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} (GMT+7)`;
}

/** Embeds the font (subset) and returns the appearance stream's reference. */
export async function makeStampAppearance(doc: PDFDocument, text: StampText): Promise<PDFRef> {
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(stampFontBytes(), { subset: true });
  const lines = [
    { text: 'Ký số bởi / Signed by', size: 7, color: rgb(0.35, 0.35, 0.35) },
    { text: text.name, size: 10.5, color: rgb(0.05, 0.2, 0.55) },
    ...(text.title ? [{ text: text.title, size: 8, color: rgb(0.1, 0.1, 0.1) }] : []),
    ...(text.organization ? [{ text: text.organization, size: 7, color: rgb(0.1, 0.1, 0.1) }] : []),
    { text: `Thời gian ký: ${vietnamTime(text.signingTime)}`, size: 7, color: rgb(0.1, 0.1, 0.1) },
  ];
  const pad = 5;
  const ops = [pushGraphicsState(), setStrokingColor(rgb(0.75, 0.1, 0.1)), setLineWidth(1), rectangle(0.5, 0.5, STAMP_WIDTH - 1, STAMP_HEIGHT - 1), stroke()];
  // A small check mark in the corner, drawn as a path (no glyph needed).
  ops.push(setFillingColor(rgb(0.1, 0.55, 0.2)), moveTo(STAMP_WIDTH - 18, 50), lineTo(STAMP_WIDTH - 14, 45), lineTo(STAMP_WIDTH - 7, 56), lineTo(STAMP_WIDTH - 8.5, 57), lineTo(STAMP_WIDTH - 14, 48), lineTo(STAMP_WIDTH - 16.5, 51.5), closePath(), fill());
  let y = STAMP_HEIGHT - pad;
  for (const line of lines) {
    const size = fitSize(font, line.text, line.size, STAMP_WIDTH - 2 * pad - (y > STAMP_HEIGHT - 20 ? 18 : 0));
    y -= size * 1.18;
    ops.push(setFillingColor(line.color), beginText(), setFontAndSize(PDFName.of('F1'), size), moveText(pad, y + size * 0.2), showText(font.encodeText(line.text)), endText());
  }
  ops.push(popGraphicsState());
  await font.embed();
  const stream = doc.context.formXObject(ops, {
    BBox: [0, 0, STAMP_WIDTH, STAMP_HEIGHT],
    Resources: { Font: { F1: font.ref } },
  });
  return doc.context.register(stream);
}

function fitSize(font: PDFFont, text: string, size: number, width: number): number {
  const w = font.widthOfTextAtSize(text, size);
  return w <= width ? size : Math.max(4, (size * width) / w);
}
