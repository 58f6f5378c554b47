/**
 * The signaling envelope: every WebSocket frame between a client and the server is one of these,
 * as JSON text. Requests carry an id the response repeats; notifications carry none.
 */
import { z } from 'zod';

/** Largest signaling frame the server accepts (bytes). SDP-sized payloads fit easily. */
export const MAX_SIGNALING_FRAME_BYTES = 64 * 1024;

export const RequestEnvelope = z.strictObject({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(64),
  data: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

/** Stable error codes; the renderer maps each to a translated message key `errors.<code>`. */
export const ErrorCode = z.enum([
  'bad_json',
  'bad_request',
  'unknown_method',
  'too_large',
  'not_joined',
  'already_joined',
  'not_found',
  'forbidden',
  'unauthorized',
  'conflict',
  'room_full',
  'rate_limited',
  'invalid_transition',
  'meeting_not_live',
  'not_invited',
  /** Invited to watch only (người theo dõi): follows the broadcast, takes no seat, does not speak, vote or annotate. */
  'watch_only',
  /** A second ballot on the same vote (ballots cannot be changed). */
  'already_voted',
  /** A ballot or close on a vote that is not open (not yet opened, closed, cancelled). */
  'vote_not_open',
  'meeting_locked',
  'removed_from_meeting',
  /** The store cannot be reached right now (database restarting): nothing was saved, send it again later. */
  'unavailable',
  /** The server's disk is full: nothing was saved. */
  'storage_full',
  /** A stored file no longer matches its SHA-256 (damaged on disk); it is not served. */
  'file_damaged',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export type ResponseEnvelope =
  | { id: number; ok: true; data: unknown }
  | { id: number | null; ok: false; error: ErrorBody };

export interface NotificationEnvelope {
  notification: string;
  data: unknown;
}

export type ServerFrame = ResponseEnvelope | NotificationEnvelope;

export function isNotification(frame: ServerFrame): frame is NotificationEnvelope {
  return typeof (frame as NotificationEnvelope).notification === 'string';
}
