/** Signaling methods to watch a meeting's page: anyone who may see the meeting. */
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import type { MeetingWatch } from './meeting-watch';
import type { MeetingsService } from './meetings-service';

export function meetingWatchHandlers(watch: MeetingWatch, meetings: MeetingsService): Handlers<ConferenceContext> {
  return {
    async 'meeting.watch'(ctx, data) {
      // Not found for a meeting the caller may not see, as over HTTP.
      await meetings.authorize(ctx.actor, data.meetingId, 'meeting.view');
      watch.watch(ctx, data.meetingId);
      return { meetingId: data.meetingId };
    },
    async 'meeting.unwatch'(ctx, data) {
      watch.unwatch(ctx, data.meetingId);
      return {};
    },
  };
}
