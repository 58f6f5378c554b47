/**
 * Serves the built web client (renderer/dist) at `/`, with index.html for client-side routes.
 *
 * For slow commune links:
 * - every file is sent as the Brotli or gzip copy made at build time (renderer/vite-precompress.ts)
 *   when the browser accepts it (`preCompressed`; `Vary: Accept-Encoding`), never compressed per
 *   request;
 * - content-hashed files (`assets/`: scripts, styles, the pdf.js worker) never change under their
 *   name: cached for a year, `immutable` (a later start asks for nothing that has not changed);
 * - everything else (index.html, the service worker, pdf.js's fonts and character maps) is
 *   revalidated on every use (`no-cache` + ETag / Last-Modified: a 304 when unchanged), so a new
 *   version is picked up at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../observability/logger';
import { notFoundBody } from './errors';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** The Cache-Control of a file of the build (its path on disk, possibly the `.br`/`.gz` copy). */
export function cacheControlFor(rendererDir: string, file: string): string {
  const relative = path.relative(rendererDir, file).split(path.sep).join('/');
  return relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE;
}

export async function registerStaticClient(app: FastifyInstance, rendererDir: string, logger: Logger): Promise<void> {
  const index = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(index)) {
    logger.warn({ rendererDir }, 'web client not built (run `npm run build:renderer`); serving the API only');
    app.setNotFoundHandler((_req, reply) => reply.code(404).send(notFoundBody));
    return;
  }
  if (!fs.existsSync(`${index}.br`)) logger.warn({ rendererDir }, 'web client built without compressed copies: files are sent uncompressed');
  await app.register(fastifyStatic, {
    root: rendererDir,
    prefix: '/',
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, file: string) => {
      reply.header('cache-control', cacheControlFor(rendererDir, file));
    },
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/ws') && !req.url.startsWith('/assets/')) {
      return reply.sendFile('index.html');
    }
    return reply.code(404).send(notFoundBody);
  });
}
