/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy next to every compressible file of the build,
 * once, at build time; the server sends the copy the browser accepts (@fastify/static's
 * `preCompressed`), so nothing is compressed per request and the best (slowest) settings are
 * affordable: Brotli quality 11 and gzip level 9. Node's own zlib, no extra dependency.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** Text and uncompressed binary formats; images, fonts in woff2, and pdf.js's .bcmap are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|wasm|ttf|otf|pfb|icc)$/i;
/** Below this a compressed copy saves less than a packet. */
const MIN_BYTES = 1024;

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

export function precompressFile(file: string): { raw: number; br: number; gz: number } | null {
  const data = fs.readFileSync(file);
  if (data.length < MIN_BYTES) return null;
  const br = zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [zlib.constants.BROTLI_PARAM_MODE]: /\.(?:wasm|ttf|otf|pfb|icc)$/i.test(file) ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
    },
  });
  const gz = zlib.gzipSync(data, { level: 9 });
  // A copy that is not smaller is not worth a second request path.
  if (br.length < data.length) fs.writeFileSync(`${file}.br`, br);
  if (gz.length < data.length) fs.writeFileSync(`${file}.gz`, gz);
  return { raw: data.length, br: Math.min(br.length, data.length), gz: Math.min(gz.length, data.length) };
}

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'phonghop-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    // After every other plugin has written its files (pdf.js's assets are copied in writeBundle).
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        let raw = 0;
        let br = 0;
        for (const file of files(outDir)) {
          if (!COMPRESSIBLE.test(file)) continue;
          const sizes = precompressFile(file);
          if (sizes) {
            raw += sizes.raw;
            br += sizes.br;
          }
        }
        this.info?.(`precompressed ${(raw / 1e6).toFixed(2)} MB → ${(br / 1e6).toFixed(2)} MB (brotli)`);
      },
    },
  };
}
