/** /api/meetings/:id/votes and /api/votes/:voteId: preparing votes before the meeting. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { VoteDefinition, VoteEntry, VoteIdParams, VoteList } from '../../../common/api/voting';
import { IdParams } from '../../../common/api/requests';
import { z } from 'zod';
import { requireActor } from '../auth/http-auth';
import { votesCsv, votesPdf } from './vote-export';
import type { VotingService } from './voting-service';

export function registerVotingRoutes(app: FastifyInstance, voting: VotingService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['votes'];
  r.get('/api/meetings/:id/votes', { schema: { tags, summary: "A meeting's votes (drafts for organisers only)", params: IdParams, response: { 200: VoteList } } }, async (req) => voting.list(requireActor(req), req.params.id));
  r.post('/api/meetings/:id/votes', { schema: { tags, summary: 'Prepare a vote (draft)', params: IdParams, body: VoteDefinition, response: { 201: VoteEntry } } }, async (req, reply) => {
    const entry = await voting.create(requireActor(req), req.params.id, req.body);
    return reply.code(201).send(entry);
  });
  r.put('/api/votes/:voteId', { schema: { tags, summary: 'Change a vote not yet opened', params: VoteIdParams, body: VoteDefinition, response: { 200: VoteEntry } } }, async (req) =>
    voting.update(requireActor(req), req.params.voteId, req.body),
  );
  r.get('/api/meetings/:id/votes/results.csv', { schema: { tags, summary: 'Results of the closed votes as CSV (UTF-8 with BOM)', params: IdParams, response: { 200: z.string() } } }, async (req, reply) => {
    const csv = votesCsv(await voting.report(requireActor(req), req.params.id));
    return reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="bieu-quyet-${req.params.id}.csv"`).send(csv);
  });
  r.get('/api/meetings/:id/votes/results.pdf', { schema: { tags, summary: 'Results of the closed votes as PDF', params: IdParams } }, async (req, reply) => {
    const pdf = await votesPdf(await voting.report(requireActor(req), req.params.id));
    return reply.header('Content-Type', 'application/pdf').header('Content-Disposition', `attachment; filename="bieu-quyet-${req.params.id}.pdf"`).send(pdf);
  });
  r.post('/api/votes/:voteId/cancel', { schema: { tags, summary: 'Cancel a vote (draft or open)', params: VoteIdParams, response: { 200: VoteEntry } } }, async (req) => voting.cancel(requireActor(req), req.params.voteId));
}
