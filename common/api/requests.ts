/** Request bodies and queries of the HTTP API (validated by the server, typed for the renderer). */
import { z } from 'zod';
import { Account, Id, MeetingStatus, Name, Role, Text, UnitLevel } from './model';

/** An instant with an explicit offset, e.g. 2026-12-01T08:00:00+07:00 (Asia/Ho_Chi_Minh). */
export const Instant = z.iso.datetime({ offset: true });

export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  /** The desktop app asks for the refresh token in the body to keep it in the OS secure storage. */
  client: z.enum(['web', 'desktop']).default('web'),
});

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(20).max(512).optional() });

export const Session = z.object({
  account: Account,
  accessToken: z.string(),
  expiresAt: z.string(),
  refreshToken: z.string().optional(),
});
export type Session = z.infer<typeof Session>;

export const UnitBody = z.strictObject({ name: Name(200), level: UnitLevel, parentId: Id.nullable().default(null) });
// Patches are written out, not `.partial()`: zod 4 still applies a field's `.default()` inside
// `.optional()`, so `UnitBody.partial()` turned `{ name }` into `{ name, parentId: null }`.
export const UnitPatch = z.strictObject({ name: Name(200).optional(), level: UnitLevel.optional(), parentId: Id.nullable().optional() });

export const BridgePointBody = z.strictObject({ unitId: Id, name: Name(200), headcount: z.number().int().min(1).max(10_000) });
export const BridgePointPatch = BridgePointBody.partial();

export const Password = z.string().min(10, 'at least 10 characters').max(256);

export const AccountBody = z.strictObject({
  username: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, dot, dash, underscore'),
  displayName: Name(120),
  title: Text(120).default(''),
  role: Role,
  unitId: Id.nullable().default(null),
  bridgePointId: Id.nullable().default(null),
  password: Password,
});
export const AccountPatch = z.strictObject({
  displayName: Name(120).optional(),
  title: Text(120).optional(),
  role: Role.optional(),
  unitId: Id.nullable().optional(),
  bridgePointId: Id.nullable().optional(),
  password: Password.optional(),
  disabled: z.boolean().optional(),
});

export const MeetingBody = z.strictObject({
  title: Name(300),
  description: Text(5000).default(''),
  startsAt: Instant,
  endsAt: Instant,
  chairId: Id,
  secretaryId: Id,
});
export const MeetingPatch = z.strictObject({
  title: Name(300).optional(),
  description: Text(5000).optional(),
  startsAt: Instant.optional(),
  endsAt: Instant.optional(),
  chairId: Id.optional(),
  secretaryId: Id.optional(),
});

export const AgendaBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        /** An existing item's id keeps the item (and the documents attached to it); new items have none. */
        id: Id.optional(),
        title: Name(300),
        presenter: Text(200).default(''),
        durationMinutes: z.number().int().min(1).max(600),
      }),
    )
    .max(100),
});

export const InvitationsBody = z.strictObject({
  /** Bridge points invited one by one. */
  pointIds: z.array(Id).max(2000).default([]),
  /** Every bridge point of these units (and their sub-units) is invited… */
  unitIds: z.array(Id).max(2000).default([]),
  /** …limited to units of these levels, when given. */
  levels: z.array(UnitLevel).max(4).optional(),
  delegateIds: z.array(Id).max(5000).default([]),
});

export const TransitionBody = z.strictObject({ to: MeetingStatus.exclude(['draft']) });

export const IdParams = z.strictObject({ id: Id });
