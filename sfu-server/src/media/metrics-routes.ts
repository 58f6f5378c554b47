/**
 * GET /api/metrics (JSON, admins) and GET /metrics (Prometheus text: admins, or a scraper sending
 * `Authorization: Bearer <METRICS_TOKEN>` when that is configured).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MediaMetrics } from '../../../common/api/metrics';
import { requireActor } from '../auth/http-auth';
import { can } from '../auth/policy';
import { forbidden } from '../errors';
import type { MediaMetricsService } from './media-metrics';

function scraperToken(req: FastifyRequest, expected: string | undefined): boolean {
  const auth = req.headers.authorization;
  if (!expected || !auth?.startsWith('Bearer ')) return false;
  const given = Buffer.from(auth.slice(7).trim());
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function registerMetricsRoutes(app: FastifyInstance, metrics: MediaMetricsService, metricsToken: string | undefined): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/metrics',
    { schema: { tags: ['system'], summary: 'Media figures per worker and per room (admins)', response: { 200: MediaMetrics } } },
    async (req) => {
      if (!can(requireActor(req), 'metrics.read')) throw forbidden();
      return metrics.snapshot();
    },
  );
  app.withTypeProvider<ZodTypeProvider>().get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'The same figures in Prometheus text format (admins, or Bearer METRICS_TOKEN)', response: { 200: z.string() } } },
    async (req, reply) => {
      if (!scraperToken(req, metricsToken)) {
        if (!can(requireActor(req), 'metrics.read')) throw forbidden();
      }
      const text = await metrics.prometheus();
      return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
    },
  );
}
