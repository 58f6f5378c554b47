/**
 * Watching a meeting from its page, without joining the room: the server pushes which part of the
 * meeting changed (`meetingChanged`), and the page loads that part again through the HTTP API with
 * the reader's own permissions (a notification carries no content, so it cannot leak any).
 */
import { z } from 'zod';
import { Id } from './conference';

/** The parts of a meeting's page that can change under the reader's eyes. */
export const MeetingTopic = z.enum(['meeting', 'pack', 'comments', 'signatures', 'broadcast']);
export type MeetingTopic = z.infer<typeof MeetingTopic>;

/** How many meetings one connection may watch at once. */
export const MAX_WATCHED_MEETINGS = 20;

export const meetingWatchRequests = {
  /** Starts pushing `meetingChanged` for a meeting the caller may see. */
  'meeting.watch': { request: z.strictObject({ meetingId: Id }), response: z.strictObject({ meetingId: Id }) },
  'meeting.unwatch': { request: z.strictObject({ meetingId: Id }), response: z.strictObject({}) },
} as const;

export interface MeetingWatchNotifications {
  meetingChanged: { meetingId: string; topic: MeetingTopic };
}
