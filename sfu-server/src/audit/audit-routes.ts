/** /api/audit: the audit log, for admins. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../auth/http-auth';
import { can } from '../auth/policy';
import { forbidden } from '../errors';
import type { Db } from '../store/database';

const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  details: z.unknown(),
});

const Query = z.strictObject({
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function registerAuditRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/audit',
    { schema: { tags: ['audit'], summary: 'Audit log, newest first', querystring: Query, response: { 200: z.array(AuditEntry) } } },
    async (req) => {
      if (!can(requireActor(req), 'audit.read')) throw forbidden();
      let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(req.query.limit);
      if (req.query.targetType) q = q.where('target_type', '=', req.query.targetType);
      if (req.query.targetId) q = q.where('target_id', '=', req.query.targetId);
      return (await q.execute()).map((r) => ({
        id: Number(r.id),
        at: r.at,
        actorId: r.actor_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        details: JSON.parse(r.details) as unknown,
      }));
    },
  );
}
