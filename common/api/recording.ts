/** The recordings of a meeting (archive), as the meeting page lists them. */
import { z } from 'zod';

export const RecordingStatus = z.enum(['recording', 'composing', 'ready', 'failed', 'deleted']);

export const RecordingItem = z.object({
  id: z.string(),
  meetingId: z.string(),
  status: RecordingStatus,
  confidential: z.boolean(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  startedByName: z.string(),
  /** 0..1 while the archive is being composed. */
  progress: z.number(),
  durationSeconds: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
  /** The caller may watch and download it. */
  canWatch: z.boolean(),
  /** The caller may delete it (the meeting's secretary). */
  canDelete: z.boolean(),
});
export type RecordingItem = z.infer<typeof RecordingItem>;

export const RecordingList = z.object({ recordings: z.array(RecordingItem) });
export type RecordingList = z.infer<typeof RecordingList>;
