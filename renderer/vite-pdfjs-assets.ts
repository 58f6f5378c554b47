/**
 * pdf.js needs its character maps (CJK and other non-embedded encodings), standard font data,
 * ICC profiles and wasm decoders at run time. They are served by our own server from the
 * renderer build (`pdfjs/…`), never from a CDN: copied from pdfjs-dist at build time, and served
 * from node_modules by the dev server.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
const FOLDERS = ['cmaps', 'standard_fonts', 'wasm', 'iccs'] as const;

function pdfjsRoot(): string {
  return path.dirname(require.resolve('pdfjs-dist/package.json'));
}

export function pdfjsAssets(): Plugin {
  let outDir = '';
  return {
    name: 'phonghop-pdfjs-assets',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/pdfjs\/(cmaps|standard_fonts|wasm|iccs)\/([\w.-]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
        if (!m) return next();
        const file = path.join(pdfjsRoot(), m[1]!, m[2]!);
        if (!fs.existsSync(file)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        fs.createReadStream(file).pipe(res);
      });
    },
    writeBundle() {
      for (const folder of FOLDERS) {
        const from = path.join(pdfjsRoot(), folder);
        if (fs.existsSync(from)) fs.cpSync(from, path.join(outDir, 'pdfjs', folder), { recursive: true });
      }
    },
  };
}
