/**
 * The live broadcast (phát trực tiếp) over signaling: only a push. Turning it on and off, and the
 * player's address, go over HTTP (`common/api/broadcast.ts`); everyone in the room is told here,
 * and meeting pages (watch-only viewers) get `meetingChanged { topic: 'broadcast' }`.
 */
export interface BroadcastNotifications {
  /** The broadcast was turned on or off (`since`: when it was turned on). */
  'broadcast.changed': { meetingId: string; on: boolean; since: string | null };
}
