/**
 * Attendance (điểm danh): who is present, by bridge point and by delegate, the secretary's roll
 * call per point, and the quorum. Visible to the meeting's organisers; changes are pushed to them
 * as `attendance.changed` (only the rows that changed, and the quorum).
 */
import { z } from 'zod';

const Id = z.string().min(1).max(64);

export const MeetingQuorumRule = z.object({
  /** Counted over the invited delegates, or over the invited bridge points ('auto': delegates if any are invited). */
  basis: z.enum(['auto', 'delegates', 'points']),
  numerator: z.number().int().min(1).max(1000),
  denominator: z.number().int().min(1).max(1000),
  /** true: more than the fraction (quá nửa); false: at least the fraction (ít nhất 2/3). */
  strict: z.boolean(),
});
export type MeetingQuorumRule = z.infer<typeof MeetingQuorumRule>;

export const DEFAULT_QUORUM: MeetingQuorumRule = { basis: 'auto', numerator: 1, denominator: 2, strict: true };

export const Quorum = z.object({
  rule: MeetingQuorumRule,
  basis: z.enum(['delegates', 'points']),
  total: z.number().int(),
  present: z.number().int(),
  /** The smallest number present for the quorum to be met. */
  required: z.number().int(),
  met: z.boolean(),
});
export type Quorum = z.infer<typeof Quorum>;

/** Presence of one connection (a delegate's or a point's account): first join, last leave, total time. */
const Presence = {
  online: z.boolean(),
  firstJoinedAt: z.string().nullable(),
  lastLeftAt: z.string().nullable(),
  /** Seconds connected so far (closed presences plus the current one up to `at`). */
  totalSeconds: z.number().int(),
};

export const PointAttendance = z.object({
  bridgePointId: z.string(),
  name: z.string(),
  unitName: z.string(),
  headcount: z.number().int(),
  ...Presence,
  /** The secretary's roll call: how many are in the room. */
  rollCall: z.object({ presentCount: z.number().int(), takenAt: z.string() }).nullable(),
});
export type PointAttendance = z.infer<typeof PointAttendance>;

export const DelegateAttendance = z.object({
  accountId: z.string(),
  displayName: z.string(),
  ...Presence,
  /** Marked present by the secretary in a room without their own device (at that point). */
  markedAtPointId: z.string().nullable(),
  /** Counted present now: connected, or marked present. */
  present: z.boolean(),
});
export type DelegateAttendance = z.infer<typeof DelegateAttendance>;

export const AttendanceState = z.object({
  points: z.array(PointAttendance),
  /** The invited delegates (the quorum counts these). */
  delegates: z.array(DelegateAttendance),
  /** Everyone else who joined with their own account (chair, secretary, guests, observers...). */
  others: z.array(DelegateAttendance.extend({ role: z.string() })),
  quorum: Quorum,
  /** The server's clock (ISO-8601) when this was computed. */
  at: z.string(),
});
export type AttendanceState = z.infer<typeof AttendanceState>;

export const attendanceRequests = {
  /** Organisers: the whole attendance of the meeting. */
  'attendance.state': { request: z.strictObject({}), response: AttendanceState },
  /** Organisers: roll call of one bridge point (present count out of its headcount). */
  'attendance.rollCall': { request: z.strictObject({ bridgePointId: Id, presentCount: z.number().int().min(0).max(100_000) }), response: z.strictObject({}) },
  /** Organisers: marks an invited delegate present (at a point, without a device) or not. */
  'attendance.mark': { request: z.strictObject({ accountId: Id, present: z.boolean(), bridgePointId: Id.nullable().optional() }), response: z.strictObject({}) },
  /** Organisers: the meeting's quorum rule. */
  'attendance.quorum': { request: z.strictObject({ rule: MeetingQuorumRule }), response: z.strictObject({}) },
} as const;

export interface AttendanceNotifications {
  /** Only the rows that changed, and the quorum. */
  'attendance.changed': { points: PointAttendance[]; delegates: DelegateAttendance[]; others: AttendanceState['others']; quorum: Quorum; at: string };
}
