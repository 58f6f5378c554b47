/**
 * The bridge points of a meeting and their state, for the roll call of points before the start
 * ("điểm danh các điểm cầu"): not connected / connected / picture OK / sound OK.
 */
import { z } from 'zod';
import { Id } from './conference';
import { LinkFallback, LinkQuality } from './link';

/** Picture: 'ok' = video arriving; 'off' = camera turned off; 'missing' = no camera or nothing arrives. */
export const PictureState = z.enum(['ok', 'off', 'missing']);
export type PictureState = z.infer<typeof PictureState>;
/** Sound: 'ok' = audio arriving; 'muted' = microphone muted; 'missing' = no microphone or nothing arrives. */
export const SoundState = z.enum(['ok', 'muted', 'missing']);
export type SoundState = z.infer<typeof SoundState>;

export const PointStatus = z.object({
  pointId: Id,
  name: z.string(),
  unitName: z.string(),
  level: z.string().nullable(),
  headcount: z.number().int().nullable(),
  connected: z.boolean(),
  /** The point's participant in the room, while connected. */
  peerId: Id.nullable(),
  /** Diagnostics: null for callers who may not see them, or while not connected. */
  picture: PictureState.nullable(),
  sound: SoundState.nullable(),
  /**
   * Diagnostics: the quality of the point's link now (see common/link-quality.ts), since when
   * (ms since the epoch), and whether its client fell back to fewer videos or audio only.
   */
  link: z.object({ quality: LinkQuality, since: z.number(), fallback: LinkFallback }).nullable(),
});
export type PointStatus = z.infer<typeof PointStatus>;

export const pointsRequests = {
  /**
   * Every bridge point invited to the meeting, with its state. Organisers (chair, secretary,
   * creator) and admins get picture and sound diagnostics; other participants get the list and who
   * is connected.
   */
  'points.status': {
    request: z.strictObject({}),
    response: z.object({
      diagnostics: z.boolean(),
      points: z.array(PointStatus),
      counts: z.object({ invited: z.number().int(), connected: z.number().int(), picture: z.number().int().nullable(), sound: z.number().int().nullable() }),
    }),
  },
} as const;

/** The whole roll call, as `points.status` answers it. */
export const PointsStatus = pointsRequests['points.status'].response;
export type PointsStatus = z.infer<typeof PointsStatus>;

/** Server → client: pushed to whoever asked `points.status`, each time its answer would change. */
export interface PointsNotifications {
  pointsStatus: PointsStatus;
}
