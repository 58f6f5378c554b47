/** Signaling methods of the meeting chat, for people joined in the room. */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import type { ChatService } from './chat-service';

function joined(ctx: ConferenceContext) {
  if (!ctx.room || !ctx.peer) throw new AppError('not_joined', 'join a meeting first');
  return { meetingId: ctx.room.name, peer: ctx.peer };
}

export function chatHandlers(chat: ChatService): Handlers<ConferenceContext> {
  return {
    async 'chat.history'(ctx) {
      return chat.history(ctx.actor, joined(ctx).meetingId);
    },
    async 'chat.send'(ctx, data) {
      const { meetingId, peer } = joined(ctx);
      return chat.send(ctx.actor, meetingId, data.to, data.body, { displayName: peer.identity.displayName, pointName: peer.identity.pointName });
    },
  };
}
