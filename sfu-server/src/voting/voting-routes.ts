/** /api/meetings/:id/votes and /api/votes/:voteId: preparing votes before the meeting. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { VoteDefinition, VoteEntry, VoteIdParams, VoteList } from '../../../common/api/voting';
import { IdParams } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
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
  r.post('/api/votes/:voteId/cancel', { schema: { tags, summary: 'Cancel a vote (draft or open)', params: VoteIdParams, response: { 200: VoteEntry } } }, async (req) => voting.cancel(requireActor(req), req.params.voteId));
}
