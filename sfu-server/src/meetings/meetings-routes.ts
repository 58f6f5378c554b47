/** /api/meetings: my meetings, one meeting, its details, agenda, invitations, status and ICS. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Meeting, MyMeetings } from '../../../common/api/model';
import { AgendaBody, IdParams, InvitationsBody, MeetingBody, MeetingPatch, TransitionBody } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
import type { MeetingsService } from './meetings-service';

export function registerMeetingRoutes(app: FastifyInstance, meetings: MeetingsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['meetings'];

  r.get('/api/meetings', { schema: { tags, summary: 'My meetings: live now, upcoming, past', response: { 200: MyMeetings } } }, async (req) => meetings.mine(requireActor(req)));
  r.post('/api/meetings', { schema: { tags, summary: 'Create a meeting (draft)', body: MeetingBody, response: { 201: Meeting } } }, async (req, reply) => {
    const meeting = await meetings.create(requireActor(req), req.body);
    return reply.code(201).send(meeting);
  });
  r.get('/api/meetings/:id', { schema: { tags, summary: 'One meeting', params: IdParams, response: { 200: Meeting } } }, async (req) => meetings.get(requireActor(req), req.params.id));
  r.patch('/api/meetings/:id', { schema: { tags, summary: 'Change the details', params: IdParams, body: MeetingPatch, response: { 200: Meeting } } }, async (req) =>
    meetings.update(requireActor(req), req.params.id, req.body),
  );
  r.put('/api/meetings/:id/agenda', { schema: { tags, summary: 'Replace the agenda', params: IdParams, body: AgendaBody, response: { 200: Meeting } } }, async (req) =>
    meetings.setAgenda(requireActor(req), req.params.id, req.body),
  );
  r.put('/api/meetings/:id/invitations', { schema: { tags, summary: 'Replace the invited bridge points and delegates', params: IdParams, body: InvitationsBody, response: { 200: Meeting } } }, async (req) =>
    meetings.setInvitations(requireActor(req), req.params.id, req.body),
  );
  r.post('/api/meetings/:id/transition', { schema: { tags, summary: 'Publish, start, end or cancel', params: IdParams, body: TransitionBody, response: { 200: Meeting } } }, async (req) =>
    meetings.transition(requireActor(req), req.params.id, req.body.to),
  );
  r.get('/api/meetings/:id/invitation.ics', { schema: { tags, summary: 'iCalendar invitation', params: IdParams, response: { 200: z.string() } } }, async (req, reply) => {
    const ics = await meetings.ics(requireActor(req), req.params.id);
    return reply.header('Content-Type', 'text/calendar; charset=utf-8').header('Content-Disposition', `attachment; filename="meeting-${req.params.id}.ics"`).send(ics);
  });
}
