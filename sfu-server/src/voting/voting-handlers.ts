/** Signaling methods of votes, for people joined in a live meeting's room. */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import type { VotingService } from './voting-service';

function meetingOf(ctx: ConferenceContext): string {
  if (!ctx.room) throw new AppError('not_joined', 'join a meeting first');
  return ctx.room.name;
}

/** The vote must belong to the meeting the caller is in. */
async function inMeeting(voting: VotingService, ctx: ConferenceContext, voteId: string): Promise<void> {
  const meetingId = meetingOf(ctx);
  const row = await voting.db.selectFrom('votes').select('meeting_id').where('id', '=', voteId).executeTakeFirst();
  if (!row || row.meeting_id !== meetingId) throw new AppError('not_found', 'vote not found');
}

export function votingHandlers(voting: VotingService): Handlers<ConferenceContext> {
  return {
    async 'vote.state'(ctx) {
      const meetingId = meetingOf(ctx);
      return { votes: await voting.list(ctx.actor, meetingId), present: await voting.present(meetingId) };
    },
    async 'vote.create'(ctx, data) {
      return voting.create(ctx.actor, meetingOf(ctx), data);
    },
    async 'vote.open'(ctx, data) {
      await inMeeting(voting, ctx, data.voteId);
      return voting.open(ctx.actor, data.voteId);
    },
    async 'vote.close'(ctx, data) {
      await inMeeting(voting, ctx, data.voteId);
      return voting.close(ctx.actor, data.voteId);
    },
    async 'vote.cancel'(ctx, data) {
      await inMeeting(voting, ctx, data.voteId);
      return voting.cancel(ctx.actor, data.voteId);
    },
    async 'vote.cast'(ctx, data) {
      // The vote's meeting is checked with the ballot's other rules, in its batch's transaction.
      return voting.cast(ctx.actor, data.voteId, data.choices, data.onBehalfOf, meetingOf(ctx));
    },
    async 'vote.proxyCandidates'(ctx, data) {
      await inMeeting(voting, ctx, data.voteId);
      return { candidates: await voting.proxyCandidates(ctx.actor, data.voteId) };
    },
  };
}
