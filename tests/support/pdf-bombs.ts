/**
 * Hostile PDFs for tests and abuse runs, generated in memory (nothing stored in the repository).
 * Each is a well-formed PDF on the outside (header, one page, cross-reference table, trailer,
 * %%EOF), so it passes the quick checks and reaches the parser:
 *   - inflateBombPdf: an object stream whose FlateDecode data (about 1 MB) inflates to 1 GiB;
 *   - manyObjectsPdf: millions of tiny indirect objects (megabytes of `N 0 obj <<…>> endobj`).
 */
import zlib from 'node:zlib';

const MiB = 1024 * 1024;

/** Header, catalog, pages tree and one empty page (objects 1–3), then `body`, then xref and trailer. */
function wrap(body: Buffer[], firstFree: number): Buffer {
  const head = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
  const parts: Buffer[] = [Buffer.from(head, 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    const b = Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, 'latin1');
    offsets.push(offset);
    parts.push(b);
    offset += b.length;
  });
  for (const b of body) {
    parts.push(b);
    offset += b.length;
  }
  // The cross-reference table lists the three real objects (the bombs' objects are found by the parser as it reads).
  const xref = [`xref\n0 4\n0000000000 65535 f\r\n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${Math.max(4, firstFree)} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** Adler-32 of `n` zero bytes (the zlib trailer of the inflated data). */
function adler32OfZeros(n: number): number {
  const a = 1;
  const b = n % 65521;
  return ((b << 16) | a) >>> 0;
}

/**
 * A PDF (about 1 MB for the default) with an object stream whose FlateDecode data inflates to
 * `inflatedBytes` (default 1 GiB) of zeros. Built from one deflated 1 MiB block repeated (each
 * block ends on a byte boundary and refers only to itself), so it is made in milliseconds.
 */
export function inflateBombPdf({ inflatedBytes = 1024 * MiB }: { inflatedBytes?: number } = {}): Buffer {
  const chunkSize = MiB;
  const chunks = Math.max(1, Math.floor(inflatedBytes / chunkSize));
  const block = zlib.deflateRawSync(Buffer.alloc(chunkSize), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const final = zlib.deflateRawSync(Buffer.alloc(0));
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler32OfZeros(chunks * chunkSize));
  const data = Buffer.concat([Buffer.from([0x78, 0xda]), ...new Array<Buffer>(chunks).fill(block), final, trailer]);
  const stream = Buffer.concat([
    Buffer.from(`4 0 obj\n<< /Type /ObjStm /N 1 /First 8 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  ]);
  return wrap([stream], 5);
}

/**
 * A PDF of about `bytes` (default 24 MiB) made of tiny indirect objects (`N 0 obj <</T 1/P[0 0]>> endobj`,
 * about 30 bytes each: some 800 000 objects for the default), each a dictionary the parser must build.
 */
export function manyObjectsPdf({ bytes = 24 * MiB }: { bytes?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  let n = 4;
  while (size < bytes) {
    let s = '';
    for (let i = 0; i < 10_000; i++, n++) s += `${n} 0 obj\n<</T 1/P[0 0]>>\nendobj\n`;
    const b = Buffer.from(s, 'latin1');
    parts.push(b);
    size += b.length;
  }
  return wrap(parts, n);
}
