/** Serves the built web client (renderer/dist) at `/`, with index.html for client-side routes. */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger';
import { notFoundBody } from './errors';

export async function registerStaticClient(app: FastifyInstance, rendererDir: string, logger: Logger): Promise<void> {
  const index = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(index)) {
    logger.warn({ rendererDir }, 'web client not built (run `npm run build:renderer`); serving the API only');
    app.setNotFoundHandler((_req, reply) => reply.code(404).send(notFoundBody));
    return;
  }
  await app.register(fastifyStatic, { root: rendererDir, prefix: '/', index: ['index.html'], maxAge: '1h' });
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/ws')) {
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send(notFoundBody);
  });
}
