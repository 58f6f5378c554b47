/** Signaling handlers of the floor (speaker queue, controlled mode) and of moderation. */
import type { MeetingAction } from '../auth/policy';
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Handlers } from '../signaling/handlers';
import type { FloorService } from './floor-service';

export function floorHandlers(floor: FloorService, meetings: MeetingsService): Handlers<ConferenceContext> {
  /** The caller's room and peer, after the policy allowed the action on this meeting. */
  const allowed = async (ctx: ConferenceContext, action: MeetingAction | null) => {
    if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
    const meetingId = ctx.room.name;
    if (action) await meetings.authorize(ctx.actor, meetingId, action);
    return { meetingId, peer: ctx.peer };
  };
  return {
    async 'floor.state'(ctx) {
      const { meetingId } = await allowed(ctx, null);
      return floor.state(meetingId);
    },
    async 'floor.request'(ctx, data) {
      const { meetingId, peer } = await allowed(ctx, 'floor.request');
      return { id: await floor.request(meetingId, peer, data.topic ?? '') };
    },
    async 'floor.withdraw'(ctx) {
      const { meetingId, peer } = await allowed(ctx, null);
      await floor.withdraw(meetingId, peer.identity.accountId);
      return {};
    },
    async 'floor.give'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'floor.manage');
      await floor.give(meetingId, ctx.actor, data.accountId);
      return {};
    },
    async 'floor.take'(ctx) {
      const { meetingId } = await allowed(ctx, 'floor.manage');
      await floor.take(meetingId, ctx.actor);
      return {};
    },
    async 'floor.settings'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'floor.manage');
      await floor.settings(meetingId, ctx.actor, data);
      return {};
    },
    async 'moderation.mute'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'meeting.moderate');
      await floor.mute(meetingId, ctx.actor, data.accountId);
      return {};
    },
    async 'moderation.muteAll'(ctx) {
      const { meetingId } = await allowed(ctx, 'meeting.moderate');
      return { muted: await floor.muteAll(meetingId, ctx.actor) };
    },
    async 'moderation.askUnmute'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'meeting.moderate');
      await floor.askUnmute(meetingId, ctx.actor, data.accountId);
      return {};
    },
    async 'moderation.remove'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'meeting.moderate');
      await floor.remove(meetingId, ctx.actor, data.accountId);
      return {};
    },
    async 'moderation.readmit'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'meeting.moderate');
      await floor.readmit(meetingId, ctx.actor, data.accountId);
      return {};
    },
    async 'moderation.lock'(ctx, data) {
      const { meetingId } = await allowed(ctx, 'meeting.moderate');
      await floor.lock(meetingId, ctx.actor, data.locked);
      return {};
    },
  };
}
