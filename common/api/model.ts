/**
 * The people, places and meetings of the product, as they cross the HTTP API. Server routes
 * validate with these schemas and the OpenAPI document is generated from them.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'secretary', 'chair', 'delegate', 'guest', 'operator', 'observer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const UNIT_LEVELS = ['province', 'district', 'commune', 'department'] as const;
export const UnitLevel = z.enum(UNIT_LEVELS);
export type UnitLevel = z.infer<typeof UnitLevel>;

export const MEETING_STATUSES = ['draft', 'published', 'live', 'ended', 'cancelled'] as const;
export const MeetingStatus = z.enum(MEETING_STATUSES);
export type MeetingStatus = z.infer<typeof MeetingStatus>;

export const Id = z.string().uuid();

/** Text a person types: trimmed, bounded, no control characters. */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u, 'contains control characters');
export const Name = (max = 200) => Text(max).pipe(z.string().min(1, 'must not be empty'));

export const Unit = z.object({ id: Id, name: z.string(), level: UnitLevel, parentId: Id.nullable() });
export type Unit = z.infer<typeof Unit>;

export const BridgePoint = z.object({ id: Id, unitId: Id, name: z.string(), headcount: z.number().int() });
export type BridgePoint = z.infer<typeof BridgePoint>;

export const Account = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  title: z.string(),
  role: Role,
  unitId: Id.nullable(),
  bridgePointId: Id.nullable(),
  disabled: z.boolean(),
});
export type Account = z.infer<typeof Account>;

export const AgendaItem = z.object({
  id: Id,
  position: z.number().int(),
  title: z.string(),
  presenter: z.string(),
  durationMinutes: z.number().int(),
});
export type AgendaItem = z.infer<typeof AgendaItem>;

export const MeetingSummary = z.object({
  id: Id,
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: MeetingStatus,
  chairId: Id,
  secretaryId: Id,
});
export type MeetingSummary = z.infer<typeof MeetingSummary>;

/** A person named in a meeting (chair, secretary, invited delegate), as every viewer of it may see them. */
export const MeetingPerson = z.object({ id: Id, displayName: z.string(), title: z.string() });
export type MeetingPerson = z.infer<typeof MeetingPerson>;

export const Meeting = MeetingSummary.extend({
  description: z.string(),
  agenda: z.array(AgendaItem),
  invitedPointIds: z.array(Id),
  delegateIds: z.array(Id),
  /**
   * The names of the chair, the secretary and the invited delegates, for whoever may see the
   * meeting (no need for the account list, which most roles may not read).
   */
  people: z.array(MeetingPerson),
  /** What the caller may do with this meeting (the server's policy, for the UI to show or hide). */
  can: z.object({ edit: z.boolean(), transition: z.boolean(), join: z.boolean() }),
});
export type Meeting = z.infer<typeof Meeting>;

export const MyMeetings = z.object({
  live: z.array(MeetingSummary),
  upcoming: z.array(MeetingSummary),
  past: z.array(MeetingSummary),
});
export type MyMeetings = z.infer<typeof MyMeetings>;

/** The one error shape of the HTTP API: a stable code and a message key the UI translates. */
export const ApiError = z.object({
  code: z.string(),
  messageKey: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;
