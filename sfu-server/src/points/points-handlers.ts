/** Signaling handlers of the points roll call. */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import type { PointsService } from './points-service';
import { PointsWatch } from './points-watch';

export function pointsHandlers(points: PointsService, watch = new PointsWatch(points)): Handlers<ConferenceContext> {
  return {
    /** The roll call now; the asker is then pushed `pointsStatus` on each change (points-watch.ts). */
    async 'points.status'(ctx) {
      if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
      return watch.watch(ctx.actor, ctx.room, ctx.peer);
    },
  };
}
