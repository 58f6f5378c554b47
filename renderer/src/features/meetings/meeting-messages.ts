/**
 * What the meeting page and the join page say about a meeting they cannot show or join. Kept apart
 * from MeetingPage so the join page (loaded with the room's code) does not pull the meeting page in.
 */
import type { Meeting } from '../../../../common/api/model';
import { apiErrorMessage } from '../../shared/errors';
import { formatDateTime } from '../../shared/time';
import { ApiRequestError } from '../../net/api-client';

/** A failed meeting load in words: a 404 also covers "not invited" (the server hides those meetings). */
export function meetingErrorMessage(err: unknown, t: (key: string) => string): string {
  return err instanceof ApiRequestError && err.status === 404 ? t('meeting.notFound') : apiErrorMessage(err);
}

/** Why the join button is not there, in one sentence; null when it is. */
export function joinBlockedReason(m: Meeting, t: (key: string, opts?: Record<string, unknown>) => string): string | null {
  if (m.can.join) return null;
  switch (m.status) {
    case 'draft':
    case 'published':
      return t('join.notStarted', { time: formatDateTime(m.startsAt) });
    case 'ended':
      return t('join.ended');
    case 'cancelled':
      return t('join.cancelled');
    case 'live':
      return t('join.notInvited');
  }
}
