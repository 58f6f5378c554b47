/**
 * When a meeting counts as large: it invites this many bridge points or more. A large meeting
 * starts with the floor controlled on the server (sfu-server/src/floor/floor-store.ts), and its
 * points join with the microphone off by default (the pre-join screen's option).
 */
export const LARGE_MEETING_POINTS = 10;

export function isLargeMeeting(invitedPoints: number): boolean {
  return invitedPoints >= LARGE_MEETING_POINTS;
}
