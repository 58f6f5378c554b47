/**
 * The minutes (biên bản) over HTTP: what the meeting recorded, assembled by the server, with the
 * chair's conclusions read from their shared editor (collaboration document `minutes/<meetingId>`).
 */
import { z } from 'zod';
import { AttendanceState } from '../protocol/attendance';
import { Id, MeetingStatus } from './model';

/** The collaboration document of a meeting's conclusions, and its ProseMirror fragment. */
export const minutesDocName = (meetingId: string) => `minutes/${meetingId}`;
export const CONCLUSIONS_FIELD = 'conclusions';

export const MinutesRun = z.object({ text: z.string(), bold: z.boolean(), italic: z.boolean(), underline: z.boolean() });
export type MinutesRun = z.infer<typeof MinutesRun>;

/**
 * One block of the conclusions: a paragraph, a heading (level 1–3) or a list item (level = depth
 * from 0, marker "•" or "1.").
 */
export const MinutesBlock = z.object({
  kind: z.enum(['paragraph', 'heading', 'item']),
  level: z.number().int(),
  marker: z.string(),
  runs: z.array(MinutesRun),
});
export type MinutesBlock = z.infer<typeof MinutesBlock>;

export const MinutesSpeaker = z.object({
  displayName: z.string(),
  pointName: z.string(),
  topic: z.string(),
  startedAt: z.string(),
  /** null: still speaking when the record was made (or when the meeting ended). */
  endedAt: z.string().nullable(),
});
export type MinutesSpeaker = z.infer<typeof MinutesSpeaker>;

export const MinutesVote = z.object({
  question: z.string(),
  agendaItem: z.string().nullable(),
  secret: z.boolean(),
  closedAt: z.string().nullable(),
  eligible: z.number().int(),
  cast: z.number().int(),
  quorumMet: z.boolean(),
  passed: z.boolean(),
  options: z.array(z.object({ label: z.string(), count: z.number().int(), percentOfCast: z.number() })),
});
export type MinutesVote = z.infer<typeof MinutesVote>;

export const MinutesRecord = z.object({
  meeting: z.object({
    id: Id,
    title: z.string(),
    description: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: MeetingStatus,
    /** The host bridge point, else "online" with the number of points. */
    place: z.string(),
    chairName: z.string(),
    secretaryName: z.string(),
  }),
  agenda: z.array(z.object({ position: z.number().int(), title: z.string(), presenter: z.string(), durationMinutes: z.number().int() })),
  attendance: AttendanceState,
  speakers: z.array(MinutesSpeaker),
  /** The meeting's recordings (ghi hình): when each started and stopped, and its archive's SHA-256 once made. */
  recordings: z.array(z.object({ startedAt: z.string(), stoppedAt: z.string().nullable(), status: z.string(), sha256: z.string().nullable(), durationSeconds: z.number().nullable() })).default([]),
  votes: z.array(MinutesVote),
  conclusions: z.array(MinutesBlock),
  /** When the server assembled this record. */
  generatedAt: z.string(),
});
export type MinutesRecord = z.infer<typeof MinutesRecord>;

export const MinutesDraft = z.object({
  record: MinutesRecord,
  /** The collaboration document of the conclusions. */
  docName: z.string(),
  /** The signed-document key of the minutes' PDF versions (null before the first). */
  documentKey: Id.nullable(),
});
export type MinutesDraft = z.infer<typeof MinutesDraft>;
