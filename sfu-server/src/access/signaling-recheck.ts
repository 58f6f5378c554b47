/**
 * Checks open signaling connections again after an access change, with the same policy as `join`
 * and the meeting pages (auth/policy.ts):
 * - the connection's actor is read again (role, name, unit, bridge point); a revoked session or a
 *   disabled account closes it (4003, as logout does);
 * - in a meeting's room: if it may no longer join, it is told (`accessRevoked`) and closed with
 *   4006 (final: the client shows why and does not rejoin); if it still may but its account changed
 *   (role, bridge point, name: what others see and what it may do in the room), it is closed with
 *   4409 and the client rejoins with its new identity; the room's chair follows the meeting's;
 * - meeting pages it watches and may no longer see stop being pushed to it (`accessRevoked`).
 */
import { ACCESS_CHANGED_CLOSE_CODE, ACCESS_REVOKED_CLOSE_CODE } from '../../../common/protocol';
import { canOnMeeting, type Actor } from '../auth/policy';
import type { ConferenceContext } from '../media/conference-handlers';
import type { MeetingWatch } from '../meetings/meeting-watch';
import type { MeetingsService } from '../meetings/meetings-service';
import type { AccessChange } from './access-changes';
import { actorChanged } from './current-actor';

export interface SignalingRecheckDeps {
  meetings: Pick<MeetingsService, 'facts'>;
  watch: MeetingWatch;
  currentActor: (was: Actor) => Promise<Actor | null>;
}

function concerns(change: AccessChange, ctx: ConferenceContext, watched: string[]): boolean {
  switch (change.kind) {
    case 'account':
      return ctx.actor.accountId === change.accountId;
    case 'meeting':
      return ctx.room?.name === change.meetingId || watched.includes(change.meetingId);
    case 'document':
      // Documents pushed to a room are filtered per reader when they are pushed (documents-service).
      return false;
  }
}

export async function recheckSignaling(change: AccessChange, contexts: Iterable<ConferenceContext>, deps: SignalingRecheckDeps): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const ctx of contexts) {
    const watched = deps.watch.watching(ctx);
    if (concerns(change, ctx, watched)) jobs.push(recheckOne(ctx, watched, deps));
  }
  await Promise.all(jobs);
}

async function recheckOne(ctx: ConferenceContext, watched: string[], deps: SignalingRecheckDeps): Promise<void> {
  const actor = await deps.currentActor(ctx.actor);
  if (!actor) {
    ctx.disconnect(4003, 'session ended');
    return;
  }
  const changed = actorChanged(actor, ctx.actor);
  // Later requests of this connection are decided with the account as it is now.
  ctx.actor = actor;
  for (const meetingId of watched) {
    const facts = await deps.meetings.facts(actor, meetingId).catch(() => null);
    if (!facts || !canOnMeeting(actor, 'meeting.view', facts)) {
      deps.watch.unwatch(ctx, meetingId);
      ctx.notify('accessRevoked', { meetingId, reason: 'not_allowed' });
    }
  }
  const room = ctx.room;
  if (!room) return;
  const facts = await deps.meetings.facts(actor, room.name).catch(() => null);
  if (!facts || !canOnMeeting(actor, 'meeting.join', facts)) {
    ctx.notify('accessRevoked', { meetingId: room.name, reason: 'not_allowed' });
    ctx.disconnect(ACCESS_REVOKED_CLOSE_CODE, 'access revoked');
    return;
  }
  room.chairAccountId = facts.chairId;
  if (changed) ctx.disconnect(ACCESS_CHANGED_CLOSE_CODE, 'access changed');
}
