/** GET /api/health: is the server up, which version, how many media workers are alive. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APP_VERSION } from '../version';
import type { WorkerPool } from '../media/worker-pool';

export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number(),
  workers: z.object({ total: z.number().int(), alive: z.number().int() }),
});

export function registerHealthRoutes(app: FastifyInstance, pool: WorkerPool): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Server health', response: { 200: HealthResponse } } },
    async () => {
      const alive = pool.alive;
      return {
        status: alive > 0 ? ('ok' as const) : ('degraded' as const),
        version: APP_VERSION,
        uptimeSeconds: Math.round(process.uptime()),
        workers: { total: pool.workers.length, alive },
      };
    },
  );
}
