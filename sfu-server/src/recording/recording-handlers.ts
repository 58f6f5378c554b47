/** Signaling methods of recording, for people joined in the room (start/stop: chair and secretary). */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import type { RecordingService } from './recording-service';

function meetingOf(ctx: ConferenceContext): string {
  if (!ctx.room || !ctx.peer) throw new AppError('not_joined', 'join a meeting first');
  return ctx.room.name;
}

export function recordingHandlers(recordings: RecordingService): Handlers<ConferenceContext> {
  return {
    async 'recording.state'(ctx) {
      return recordings.state(ctx.actor, meetingOf(ctx));
    },
    async 'recording.start'(ctx, data) {
      return recordings.start(ctx.actor, meetingOf(ctx), data.confidential ?? false);
    },
    async 'recording.stop'(ctx) {
      return recordings.stop(ctx.actor, meetingOf(ctx));
    },
  };
}
