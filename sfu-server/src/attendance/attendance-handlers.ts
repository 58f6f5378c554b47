/** Signaling handlers of attendance (organisers only). */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Handlers } from '../signaling/handlers';
import type { AttendanceService } from './attendance-service';

export function attendanceHandlers(attendance: AttendanceService, meetings: MeetingsService): Handlers<ConferenceContext> {
  const allowed = async (ctx: ConferenceContext): Promise<string> => {
    if (!ctx.room) throw new AppError('not_joined', 'join a meeting first');
    await meetings.authorize(ctx.actor, ctx.room.name, 'attendance.manage');
    return ctx.room.name;
  };
  return {
    async 'attendance.state'(ctx) {
      return attendance.state(await allowed(ctx));
    },
    async 'attendance.rollCall'(ctx, data) {
      await attendance.rollCall(await allowed(ctx), ctx.actor, data.bridgePointId, data.presentCount);
      return {};
    },
    async 'attendance.mark'(ctx, data) {
      await attendance.mark(await allowed(ctx), ctx.actor, data.accountId, data.present, data.bridgePointId ?? null);
      return {};
    },
    async 'attendance.quorum'(ctx, data) {
      await attendance.setQuorumRule(await allowed(ctx), ctx.actor, data.rule);
      return {};
    },
  };
}
