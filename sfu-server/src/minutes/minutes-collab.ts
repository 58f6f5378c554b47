/**
 * The conclusions' shared editor, collaboration document `minutes/<meetingId>`: written by the
 * meeting's chair and secretary (policy `minutes.write`), opened by nobody else — not the
 * delegates, not the admin. Their connections are checked again when the meeting changes status.
 */
import type { Actor } from '../auth/policy';
import { canOnMeeting } from '../auth/policy';
import type { CollabGrant, CollabResolver } from '../collab/collab-access';
import type { MeetingsService } from '../meetings/meetings-service';

export const MINUTES_PREFIX = 'minutes';

export function minutesResolver(meetings: Pick<MeetingsService, 'facts'>): CollabResolver {
  return async (actor: Actor, segments: string[]): Promise<CollabGrant | null> => {
    const [meetingId, ...extra] = segments;
    if (!meetingId || extra.length > 0) return null;
    const facts = await meetings.facts(actor, meetingId).catch(() => null);
    if (!facts || !canOnMeeting(actor, 'minutes.write', facts)) return null;
    return { mode: 'write', meetingId };
  };
}
