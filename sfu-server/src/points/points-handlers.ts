/** Signaling handlers of the points roll call. */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import type { PointsService } from './points-service';

export function pointsHandlers(points: PointsService): Handlers<ConferenceContext> {
  return {
    async 'points.status'(ctx) {
      if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
      return points.status(ctx.actor, ctx.room);
    },
  };
}
