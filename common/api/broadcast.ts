/**
 * The live broadcast of a meeting (HLS for watch-only viewers) and the watch-only invitations
 * (người theo dõi), as they cross the HTTP API.
 */
import { z } from 'zod';
import { Id } from './model';

export const BroadcastState = z.object({
  meetingId: Id,
  on: z.boolean(),
  /** When it was turned on (ISO), null while off. */
  since: z.string().nullable(),
  /** The composition's state while on: starting (first segments not written yet), running, or failed with a reason. */
  phase: z.enum(['off', 'starting', 'running', 'failed']),
  error: z.string().nullable(),
  /** May the caller turn it on and off (the chair, the secretary, admins, while live). */
  canManage: z.boolean(),
  /** May the caller watch it. */
  canWatch: z.boolean(),
  /** The caller is invited to watch only (người theo dõi): the meeting page shows the player, not "join". */
  watchOnly: z.boolean(),
  /**
   * The playlist, with a token for this viewer in its path (`/live/<meetingId>/<token>/index.m3u8`):
   * segments are relative to it, so hls.js, Safari's own player and any cache in front carry it.
   * Null unless on and the caller may watch.
   */
  playlistUrl: z.string().nullable(),
});
export type BroadcastState = z.infer<typeof BroadcastState>;

export const BroadcastBody = z.strictObject({ on: z.boolean() });

export const ViewersBody = z.strictObject({ accountIds: z.array(Id).max(20_000) });

export const Viewers = z.object({
  accountIds: z.array(Id),
  people: z.array(z.object({ id: Id, displayName: z.string(), title: z.string() })),
});
export type Viewers = z.infer<typeof Viewers>;
