/**
 * Flattens annotations into a copy of a PDF with pdf-lib: strokes as vector paths (highlighters
 * translucent), notes as boxes with their author and text. Text uses Be Vietnam Pro: @fontsource
 * ships it as a Latin and a Vietnamese subset, so every text run is drawn with the subset that has
 * its characters. Coordinates are the marks' normalised page coordinates of the page as displayed
 * (after its /Rotate), mapped back into the page's own space.
 */
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { NOTE_SIZE, type Mark } from './mark-model';

export interface FlattenInput {
  pdf: Uint8Array;
  /** Marks per 1-based page number, drawn in order (shared first, then private). */
  pages: Map<number, { mark: Mark; layer: 'shared' | 'private' }[]>;
  /** Be Vietnam Pro subsets (woff/ttf bytes). */
  fonts: { latin: Uint8Array; vietnamese: Uint8Array };
  /** Label of private notes (they carry no author). */
  privateLabel: string;
  title?: string;
}

interface Fonts {
  pick(codePoint: number): PDFFont;
}

function hex(color: string) {
  const n = Number.parseInt(color.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/** Maps a displayed-page point (u, v in 0..1, v downwards) into the page's PDF space. */
function mapper(page: PDFPage) {
  const box = page.getCropBox();
  const rot = ((page.getRotation().angle % 360) + 360) % 360;
  const { x: cx, y: cy, width: W, height: H } = box;
  const displayWidth = rot === 90 || rot === 270 ? H : W;
  const map = (u: number, v: number): [number, number] => {
    switch (rot) {
      case 90:
        return [cx + v * W, cy + u * H];
      case 180:
        return [cx + (1 - u) * W, cy + v * H];
      case 270:
        return [cx + (1 - v) * W, cy + (1 - u) * H];
      default:
        return [cx + u * W, cy + (1 - v) * H];
    }
  };
  return { map, displayWidth, rot };
}

/** Splits text into runs that one font subset can draw. */
function runs(text: string, fonts: Fonts): { text: string; font: PDFFont }[] {
  const out: { text: string; font: PDFFont }[] = [];
  for (const ch of text) {
    const font = fonts.pick(ch.codePointAt(0)!);
    const last = out[out.length - 1];
    if (last && last.font === font) last.text += ch;
    else out.push({ text: ch, font });
  }
  return out;
}

function widthOf(text: string, size: number, fonts: Fonts): number {
  return runs(text, fonts).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);
}

function wrap(text: string, maxWidth: number, size: number, fonts: Fonts): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      const next = line ? `${line} ${word}` : word;
      if (line && widthOf(next, size, fonts) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = next;
      }
    }
    lines.push(line);
  }
  return lines;
}

function drawStroke(page: PDFPage, mark: Mark): void {
  const { map, displayWidth } = mapper(page);
  const p = mark.points;
  const width = Math.max(0.5, mark.width * displayWidth);
  const color = hex(mark.color);
  const opacity = mark.tool === 'highlighter' ? 0.4 : 1;
  if (p.length === 2) {
    const [x, y] = map(p[0]!, p[1]!);
    page.drawCircle({ x, y, size: width / 2, color, opacity });
    return;
  }
  // drawSvgPath draws at (x, y) with SVG's downward y: give it PDF coordinates with y negated.
  let d = '';
  for (let i = 0; i + 1 < p.length; i += 2) {
    const [x, y] = map(p[i]!, p[i + 1]!);
    d += `${i === 0 ? 'M' : 'L'}${x.toFixed(2)} ${(-y).toFixed(2)} `;
  }
  page.drawSvgPath(d, { x: 0, y: 0, borderColor: color, borderWidth: width, borderOpacity: opacity, borderLineCap: mark.tool === 'highlighter' ? 2 : 1 });
}

function drawNote(page: PDFPage, mark: Mark, layer: 'shared' | 'private', fonts: Fonts, privateLabel: string): void {
  const { map, displayWidth, rot } = mapper(page);
  const size = Math.max(6, displayWidth * 0.016);
  const boxWidth = NOTE_SIZE.w * displayWidth;
  const padding = size * 0.4;
  const header = layer === 'shared' ? mark.authorName : privateLabel;
  const lines = [header, ...wrap(mark.text, boxWidth - 2 * padding, size, fonts)];
  const lineHeight = size * 1.3;
  const boxHeight = Math.max(NOTE_SIZE.h * displayWidth, lines.length * lineHeight + 2 * padding);
  // The box's displayed top-left corner; in the page's space the box is drawn rotated with the page.
  const [x0, y0] = map(mark.points[0] ?? 0, mark.points[1] ?? 0);
  const rotate = degrees(rot);
  const along = (dx: number, dy: number): [number, number] => {
    // Displayed offsets (right, down) turned into the page's space.
    const r = (rot * Math.PI) / 180;
    return [x0 + dx * Math.cos(r) + dy * Math.sin(r), y0 + dx * Math.sin(r) - dy * Math.cos(r)];
  };
  const [bx, by] = along(0, boxHeight);
  page.drawRectangle({ x: bx, y: by, width: boxWidth, height: boxHeight, rotate, color: layer === 'shared' ? rgb(0.996, 0.953, 0.78) : rgb(0.878, 0.906, 1), borderColor: layer === 'shared' ? rgb(0.96, 0.62, 0.04) : rgb(0.39, 0.4, 0.95), borderWidth: 0.8 });
  lines.forEach((line, i) => {
    let dx = padding;
    for (const run of runs(line, fonts)) {
      const [tx, ty] = along(dx, padding + (i + 1) * lineHeight - size * 0.3);
      page.drawText(run.text, { x: tx, y: ty, size, font: run.font, color: rgb(0.07, 0.09, 0.15), rotate });
      dx += run.font.widthOfTextAtSize(run.text, size);
    }
  });
}

export async function flattenAnnotations(input: FlattenInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(input.pdf);
  pdf.registerFontkit(fontkit);
  const latin = await pdf.embedFont(input.fonts.latin, { subset: true });
  const vietnamese = await pdf.embedFont(input.fonts.vietnamese, { subset: true });
  const vietnameseCodes = new Set(vietnamese.getCharacterSet());
  const fonts: Fonts = { pick: (cp) => (vietnameseCodes.has(cp) ? vietnamese : latin) };
  const pages = pdf.getPages();
  for (const [pageNumber, marks] of input.pages) {
    const page = pages[pageNumber - 1];
    if (!page) continue;
    for (const { mark, layer } of marks) {
      if (mark.tool === 'note') drawNote(page, mark, layer, fonts, input.privateLabel);
      else drawStroke(page, mark);
    }
  }
  if (input.title) pdf.setTitle(input.title);
  pdf.setModificationDate(new Date());
  return pdf.save();
}
