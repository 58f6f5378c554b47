/**
 * /api/meetings/:id/minutes — the chair and the secretary only:
 *   GET              the assembled record with the conclusions as the server holds them now
 *   GET  preview.pdf the PDF it would make now (nothing is kept)
 *   POST pdf         makes the PDF a new version of the minutes to sign (201: the document to sign)
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MinutesDraft } from '../../../common/api/minutes';
import { IdParams } from '../../../common/api/requests';
import { SignedDocument } from '../../../common/api/signing';
import { requireActor } from '../auth/http-auth';
import { perAccountRateLimit } from '../http/body-guard';
import type { MinutesService } from './minutes-service';

export function registerMinutesRoutes(app: FastifyInstance, minutes: MinutesService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['minutes'];
  r.get('/api/meetings/:id/minutes', { schema: { tags, summary: "The minutes' record as assembled now (chair and secretary)", params: IdParams, response: { 200: MinutesDraft } } }, async (req) =>
    minutes.draft(requireActor(req), req.params.id),
  );
  r.get('/api/meetings/:id/minutes/preview.pdf', { config: { rateLimit: perAccountRateLimit(20, 'minutes previews') }, schema: { tags, summary: 'The minutes as a PDF, not kept (chair and secretary)', params: IdParams, response: { 200: z.string().describe('the PDF (application/pdf)') } } }, async (req, reply) => {
    const pdf = await minutes.previewPdf(requireActor(req), req.params.id);
    return reply.type('application/pdf').header('Content-Disposition', 'inline; filename="bien-ban-xem-truoc.pdf"').send(pdf as unknown as string);
  });
  r.post('/api/meetings/:id/minutes/pdf', { config: { pdfJob: true, rateLimit: perAccountRateLimit(10, 'minutes made') }, schema: { tags, summary: 'Produce the minutes PDF as a new version to sign (chair and secretary)', params: IdParams, response: { 201: SignedDocument } } }, async (req, reply) =>
    reply.code(201).send(await minutes.produce(requireActor(req), req.params.id)),
  );
}
