/** Signaling handlers of media control: what a receiver shows, so the server forwards only that. */
import { AppError } from '../errors';
import type { Handlers } from '../signaling/handlers';
import type { ConferenceContext } from './conference-handlers';

export function mediaControlHandlers(): Handlers<ConferenceContext> {
  return {
    async 'media.setTileViews'(ctx, data) {
      if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
      await ctx.room.setTileViews(ctx.peer, data.views, data.receiveMode ?? 'normal');
      return {};
    },
    async 'media.ping'() {
      return { time: Date.now() };
    },
  };
}
