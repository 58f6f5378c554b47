/**
 * Recording of the conference (issue 14): the chair or the secretary starts and stops it from
 * the room; everyone in the room is told with `recording.changed` and shows "Đang ghi hình".
 */
import { z } from 'zod';

export const RecordingState = z.object({
  active: z.boolean(),
  recordingId: z.string().nullable(),
  /** ISO instant the running recording started (null when not recording). */
  startedAt: z.string().nullable(),
  /** Whether the caller may start and stop it (the meeting's chair and secretary). */
  canManage: z.boolean(),
  /** Why the last recording stopped by itself (e.g. 'storage_full'), for the organisers' notice. */
  stoppedBecause: z.string().nullable(),
});
export type RecordingState = z.infer<typeof RecordingState>;

export const recordingRequests = {
  'recording.state': { request: z.strictObject({}), response: RecordingState },
  /** `confidential`: only the meeting's organisers may watch and download this recording. */
  'recording.start': { request: z.strictObject({ confidential: z.boolean().optional() }), response: RecordingState },
  'recording.stop': { request: z.strictObject({}), response: RecordingState },
} as const;

export interface RecordingNotifications {
  /** The recording of this room started or stopped (canManage is the receiver's own). */
  'recording.changed': Omit<RecordingState, 'canManage'>;
}
