/**
 * Adds an empty PAdES signature (a signature field with its widget, a /Sig dictionary with a
 * ByteRange placeholder and a zero-filled /Contents) to a PDF as an INCREMENTAL UPDATE: the
 * original bytes are kept as they are and only the new and changed objects, a cross-reference
 * section and a trailer are appended. Earlier signatures therefore still cover exactly the bytes
 * they signed.
 *
 * pdf-lib reads the document and serialises the objects; this module decides what is written.
 * (@signpdf/placeholder-pdf-lib re-saves the whole file, which breaks earlier signatures.)
 */
import { EncryptedPDFError, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRef, PDFString, type PDFPage } from 'pdf-lib';
import { AppError } from '../errors';
import { STAMP_HEIGHT, STAMP_WIDTH, makeStampAppearance, type StampText } from './stamp';

/** Room for the CMS (certificates included): 16 KiB is ample for a chain of 3–4 RSA certificates. */
export const DEFAULT_SIGNATURE_BYTES = 16_384;
const BYTE_RANGE_PLACEHOLDER = '**********';

export interface PlaceholderOptions extends StampText {
  reason?: string;
  location?: string;
  /** Bytes reserved for the CMS signature. */
  signatureBytes?: number;
  /** 0-based page for the stamp; default the last page. */
  pageIndex?: number;
}

export interface PreparedPdf {
  /** The whole PDF with the update appended; /Contents is zeros. */
  pdf: Uint8Array;
  byteRange: [number, number, number, number];
  fieldName: string;
}

const latin1 = (bytes: Uint8Array, start = 0, end = bytes.length) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');

/** PDF date string, UTC: D:YYYYMMDDHHmmSSZ */
export function pdfDate(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}Z`;
}

export async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  if (bytes.length < 8 || latin1(bytes, 0, Math.min(bytes.length, 1024)).indexOf('%PDF-') < 0) throw new AppError('bad_request', 'not a PDF file');
  try {
    return await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    if (err instanceof EncryptedPDFError) throw new AppError('bad_request', 'encrypted PDFs cannot be signed');
    throw new AppError('bad_request', `the PDF cannot be read: ${(err as Error).message}`);
  }
}

/** Where the previous cross-reference section starts, and whether it is a stream. */
function previousXref(bytes: Uint8Array): { offset: number; isStream: boolean; size: number } {
  const tail = latin1(bytes, Math.max(0, bytes.length - 2048));
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail) ?? [...tail.matchAll(/startxref\s+(\d+)/g)].pop();
  if (!m) throw new AppError('bad_request', 'the PDF has no startxref: it cannot be updated incrementally');
  const offset = Number(m[1]);
  if (!Number.isSafeInteger(offset) || offset >= bytes.length) throw new AppError('bad_request', 'the PDF has a broken startxref');
  const head = latin1(bytes, offset, Math.min(bytes.length, offset + 64));
  // /Size of that section's trailer (or stream dictionary): object numbers below it are taken,
  // including object streams and cross-reference streams that pdf-lib does not keep.
  const sizeOf = (from: number) => {
    const m2 = /\/Size\s+(\d+)/.exec(latin1(bytes, from, Math.min(bytes.length, from + 4096)));
    return m2 ? Number(m2[1]) : 0;
  };
  const trailerAt = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('trailer', offset, 'latin1');
  if (head.startsWith('xref')) return { offset, isStream: false, size: trailerAt < 0 ? 0 : sizeOf(trailerAt) };
  if (/^\d+\s+\d+\s+obj/.test(head)) return { offset, isStream: true, size: sizeOf(offset) };
  throw new AppError('bad_request', 'the PDF cross-reference offset does not point at a cross-reference section');
}

function collectFieldNames(fields: PDFArray | undefined, doc: PDFDocument, out: Set<string>, prefix = ''): void {
  if (!fields) return;
  for (let i = 0; i < fields.size(); i++) {
    const field = doc.context.lookup(fields.get(i));
    if (!(field instanceof PDFDict)) continue;
    const t = field.lookup(PDFName.of('T'));
    const name = t instanceof PDFString || t instanceof PDFHexString ? prefix + t.decodeText() : prefix;
    if (name) out.add(name);
    const kids = field.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) collectFieldNames(kids, doc, out, name ? `${name}.` : prefix);
  }
}

/** Counts the signature widgets already on the page, to place the new stamp beside them. */
function signatureWidgetsOn(page: PDFPage, doc: PDFDocument): number {
  const annots = page.node.lookup(PDFName.of('Annots'));
  if (!(annots instanceof PDFArray)) return 0;
  let n = 0;
  for (let i = 0; i < annots.size(); i++) {
    const a = doc.context.lookup(annots.get(i));
    if (a instanceof PDFDict && a.lookup(PDFName.of('FT')) === PDFName.of('Sig')) n++;
  }
  return n;
}

function stampRect(page: PDFPage, index: number): [number, number, number, number] {
  const box = page.getCropBox();
  const margin = 28;
  const perRow = Math.max(1, Math.floor((box.width - 2 * margin + 8) / (STAMP_WIDTH + 8)));
  const col = index % perRow;
  const row = Math.floor(index / perRow);
  const x = box.x + margin + col * (STAMP_WIDTH + 8);
  const y = box.y + margin + row * (STAMP_HEIGHT + 8);
  return [x, y, x + STAMP_WIDTH, y + STAMP_HEIGHT];
}

export async function addSignaturePlaceholder(original: Uint8Array, options: PlaceholderOptions): Promise<PreparedPdf> {
  const prev = previousXref(original);
  const doc = await loadPdf(original);
  const context = doc.context;
  context.largestObjectNumber = Math.max(context.largestObjectNumber, prev.size - 1);
  const firstNewObject = context.largestObjectNumber + 1;
  const touched = new Set<PDFRef>();

  const pages = doc.getPages();
  if (pages.length === 0) throw new AppError('bad_request', 'the PDF has no pages');
  const pageIndex = options.pageIndex ?? pages.length - 1;
  const page = pages[pageIndex];
  if (!page) throw new AppError('bad_request', `the PDF has no page ${pageIndex + 1}`);

  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw new AppError('bad_request', 'the PDF catalog is not an indirect object');
  const catalog = doc.catalog;

  // The form: an indirect AcroForm dictionary with a Fields array.
  let acroForm: PDFDict;
  const acroRaw = catalog.get(PDFName.of('AcroForm'));
  if (acroRaw instanceof PDFRef) {
    acroForm = context.lookup(acroRaw, PDFDict);
    touched.add(acroRaw);
  } else if (acroRaw instanceof PDFDict) {
    acroForm = acroRaw;
    touched.add(rootRef);
  } else {
    acroForm = context.obj({ Fields: [] });
    catalog.set(PDFName.of('AcroForm'), context.register(acroForm));
    touched.add(rootRef);
  }
  let fields: PDFArray;
  const fieldsRaw = acroForm.get(PDFName.of('Fields'));
  if (fieldsRaw instanceof PDFRef) {
    fields = context.lookup(fieldsRaw, PDFArray);
    touched.add(fieldsRaw);
  } else if (fieldsRaw instanceof PDFArray) {
    fields = fieldsRaw;
  } else {
    fields = context.obj([]);
    acroForm.set(PDFName.of('Fields'), fields);
  }
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  if (acroRaw instanceof PDFRef) touched.add(acroRaw);

  const names = new Set<string>();
  collectFieldNames(fields, doc, names);
  let n = 1;
  while (names.has(`Signature${n}`)) n++;
  const fieldName = `Signature${n}`;

  const signingTime = options.signingTime;
  const sigDict = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: [0, PDFName.of(BYTE_RANGE_PLACEHOLDER), PDFName.of(BYTE_RANGE_PLACEHOLDER), PDFName.of(BYTE_RANGE_PLACEHOLDER)],
    Contents: PDFHexString.of('0'.repeat(2 * (options.signatureBytes ?? DEFAULT_SIGNATURE_BYTES))),
    M: PDFString.of(pdfDate(signingTime)),
    Name: PDFHexString.fromText(options.name),
    ...(options.reason ? { Reason: PDFHexString.fromText(options.reason) } : {}),
    ...(options.location ? { Location: PDFHexString.fromText(options.location) } : {}),
    Prop_Build: { App: { Name: 'Phong_hop' } },
  });
  const sigRef = context.register(sigDict);

  const apRef = await makeStampAppearance(doc, options);
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFHexString.fromText(fieldName),
    Rect: stampRect(page, signatureWidgetsOn(page, doc)),
    F: 4,
    P: page.ref,
    V: sigRef,
    AP: { N: apRef },
  });
  const widgetRef = context.register(widget);
  fields.push(widgetRef);

  const annotsRaw = page.node.get(PDFName.of('Annots'));
  if (annotsRaw instanceof PDFRef) {
    context.lookup(annotsRaw, PDFArray).push(widgetRef);
    touched.add(annotsRaw);
  } else if (annotsRaw instanceof PDFArray) {
    annotsRaw.push(widgetRef);
    touched.add(page.ref);
  } else {
    page.node.set(PDFName.of('Annots'), context.obj([widgetRef]));
    touched.add(page.ref);
  }

  // Everything new, plus the changed objects, in object-number order.
  const toWrite: [PDFRef, PDFObject][] = [];
  for (const [ref, obj] of context.enumerateIndirectObjects()) {
    if (ref.objectNumber >= firstNewObject || touched.has(ref)) toWrite.push([ref, obj]);
  }
  toWrite.sort((a, b) => a[0].objectNumber - b[0].objectNumber);

  const chunks: Uint8Array[] = [];
  let offset = original.length;
  const push = (bytes: Uint8Array) => {
    chunks.push(bytes);
    offset += bytes.length;
  };
  const text = (s: string) => push(Buffer.from(s, 'latin1'));
  const last = original[original.length - 1];
  if (last !== 0x0a && last !== 0x0d) text('\n');

  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const [ref, obj] of toWrite) {
    offsets.set(ref.objectNumber, { offset, gen: ref.generationNumber });
    text(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    const body = new Uint8Array(obj.sizeInBytes());
    obj.copyBytesInto(body, 0);
    push(body);
    text('\nendobj\n');
  }

  const trailer = context.trailerInfo;
  const trailerEntries: Record<string, PDFObject> = { Root: rootRef };
  if (trailer.Info instanceof PDFRef) trailerEntries.Info = trailer.Info;
  if (trailer.ID instanceof PDFArray) trailerEntries.ID = trailer.ID;

  if (prev.isStream) {
    const xrefNumber = context.largestObjectNumber + 1;
    const xrefOffset = offset;
    offsets.set(xrefNumber, { offset: xrefOffset, gen: 0 });
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    const rows = new Uint8Array(numbers.length * 7);
    numbers.forEach((num, i) => {
      const e = offsets.get(num)!;
      const row = i * 7;
      rows[row] = 1;
      new DataView(rows.buffer).setUint32(row + 1, e.offset);
      new DataView(rows.buffer).setUint16(row + 5, e.gen);
    });
    const stream = context.stream(rows, {
      Type: 'XRef',
      Size: xrefNumber + 1,
      W: [1, 4, 2],
      Index: subsections(numbers).flatMap(([start, count]) => [start, count]),
      Prev: prev.offset,
      ...trailerEntries,
    });
    text(`${xrefNumber} 0 obj\n`);
    const body = new Uint8Array(stream.sizeInBytes());
    stream.copyBytesInto(body, 0);
    push(body);
    text(`\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`);
  } else {
    const xrefOffset = offset;
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    let table = 'xref\n';
    for (const [start, count] of subsections(numbers)) {
      table += `${start} ${count}\n`;
      for (let num = start; num < start + count; num++) {
        const e = offsets.get(num)!;
        table += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
      }
    }
    text(table);
    const dict = context.obj({ Size: context.largestObjectNumber + 1, Prev: prev.offset, ...trailerEntries });
    text(`trailer\n${dict.toString()}\nstartxref\n${xrefOffset}\n%%EOF\n`);
  }

  const pdf = new Uint8Array(offset);
  pdf.set(original, 0);
  let at = original.length;
  for (const c of chunks) {
    pdf.set(c, at);
    at += c.length;
  }
  const byteRange = fillByteRange(pdf, original.length);
  return { pdf, byteRange, fieldName };
}

function subsections(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const num of sorted) {
    const lastRange = out[out.length - 1];
    if (lastRange && lastRange[0] + lastRange[1] === num) lastRange[1]++;
    else out.push([num, 1]);
  }
  return out;
}

/** Finds the placeholders in the appended part and writes the final ByteRange in place. */
function fillByteRange(pdf: Uint8Array, from: number): [number, number, number, number] {
  const tail = latin1(pdf, from);
  const br = /\/ByteRange\s*\[\s*0\s+\/\*{10}\s+\/\*{10}\s+\/\*{10}\s*\]/.exec(tail);
  if (!br) throw new Error('ByteRange placeholder not found');
  const contents = /\/Contents\s*<(0+)>/.exec(tail.slice(br.index)) ?? /\/Contents\s*<(0+)>/.exec(tail);
  if (!contents) throw new Error('Contents placeholder not found');
  const contentsBase = contents.input === tail ? 0 : br.index;
  const lt = from + contentsBase + contents.index + contents[0].indexOf('<');
  const gt = lt + contents[1]!.length + 2;
  const range: [number, number, number, number] = [0, lt, gt, pdf.length - gt];
  const placeholder = br[0];
  const value = `/ByteRange [${range.join(' ')}]`;
  if (value.length > placeholder.length) throw new Error('ByteRange does not fit');
  const padded = value.slice(0, -1) + ' '.repeat(placeholder.length - value.length) + ']';
  Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length).write(padded, from + br.index, 'latin1');
  return range;
}

/** The bytes a signature covers: everything but the /Contents hex string. */
export function signedBytes(pdf: Uint8Array, range: readonly number[]): Uint8Array {
  const [a, b, c, d] = range as [number, number, number, number];
  const out = new Uint8Array(b + d);
  out.set(pdf.subarray(a, a + b), 0);
  out.set(pdf.subarray(c, c + d), b);
  return out;
}

/** Writes the DER signature (hex) into the placeholder. */
export function embedSignature(prepared: PreparedPdf, cms: Uint8Array): Uint8Array {
  const [, lt, gt] = prepared.byteRange;
  const room = (gt - lt - 2) / 2;
  if (cms.length > room) throw new AppError('bad_request', `the signature (${cms.length} bytes) does not fit the ${room} bytes reserved`);
  const out = new Uint8Array(prepared.pdf);
  const hex = Buffer.from(cms).toString('hex').padEnd(room * 2, '0');
  Buffer.from(out.buffer, out.byteOffset, out.length).write(hex, lt + 1, 'latin1');
  return out;
}
