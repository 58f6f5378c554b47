/**
 * The floor (speaker queue, who speaks, controlled mode) and the host's moderation of points
 * (mute, ask to unmute, remove, lock). The server keeps the state; every change is pushed to the
 * room as `floor.changed` with the whole (small) state; `floor.state` answers a late joiner.
 */
import { z } from 'zod';

const AccountId = z.string().min(1).max(64);
const Empty = z.strictObject({});

export const SpeakRequest = z.object({
  id: z.string(),
  accountId: z.string(),
  displayName: z.string(),
  pointName: z.string(),
  topic: z.string(),
  /** ISO-8601 instant. */
  requestedAt: z.string(),
});
export type SpeakRequest = z.infer<typeof SpeakRequest>;

export const FloorHolder = z.object({
  accountId: z.string(),
  displayName: z.string(),
  pointName: z.string(),
  topic: z.string(),
  /** ISO-8601 instant the floor was given; the speaking timer counts from here (also after a restart). */
  startedAt: z.string(),
});
export type FloorHolder = z.infer<typeof FloorHolder>;

export const FloorSettings = z.object({
  /** Only the chair, the host point and the floor holder may send audio. */
  controlled: z.boolean(),
  /** Speaking time limit (seconds); 0 = no limit. */
  limitSeconds: z.number().int().min(0).max(7200),
  /** Seconds before the limit when the timer turns to a warning. */
  warningSeconds: z.number().int().min(0).max(3600),
  /** The bridge point that hosts the meeting (điểm cầu chủ trì): may always speak. */
  hostPointId: z.string().nullable(),
  /** No new participants but organisers may join. */
  locked: z.boolean(),
});
export type FloorSettings = z.infer<typeof FloorSettings>;

export const FloorState = FloorSettings.extend({
  hostPointName: z.string(),
  /** The meeting's chair (may always speak under floor control). */
  chairId: z.string(),
  /** Chair, secretary and creator: they (and administrators) run the floor and moderate. */
  organiserIds: z.array(z.string()),
  holder: FloorHolder.nullable(),
  /** Waiting requests, first asked first. */
  queue: z.array(SpeakRequest),
  /** Accounts the host muted: they cannot send audio until allowed. */
  hostMuted: z.array(z.string()),
  /** Accounts removed from the meeting (refused when they come back), with their names. */
  removed: z.array(z.object({ accountId: z.string(), displayName: z.string() })),
  /** The server's clock when this state was sent (ISO-8601), so timers do not depend on the client's clock. */
  serverNow: z.string(),
});
export type FloorState = z.infer<typeof FloorState>;

export const floorRequests = {
  /** The current floor and moderation state (after a join or a reconnect). */
  'floor.state': { request: Empty, response: FloorState },
  /** Asks to speak (đăng ký phát biểu), with an optional topic. Guests and observers may not. */
  'floor.request': { request: z.strictObject({ topic: z.string().trim().max(200).optional() }), response: z.object({ id: z.string() }) },
  /** Withdraws one's own waiting request. */
  'floor.withdraw': { request: Empty, response: Empty },
  /** Chair/secretary: gives the floor to that participant (their waiting request, if any, is served). */
  'floor.give': { request: z.strictObject({ accountId: AccountId }), response: Empty },
  /** Chair/secretary: takes the floor back; the speaker is muted again. */
  'floor.take': { request: Empty, response: Empty },
  /** Chair/secretary: controlled mode, time limits, the host point (by its operator's account). */
  'floor.settings': {
    request: z.strictObject({
      controlled: z.boolean().optional(),
      limitSeconds: z.number().int().min(0).max(7200).optional(),
      warningSeconds: z.number().int().min(0).max(3600).optional(),
      hostAccountId: AccountId.nullable().optional(),
    }),
    response: Empty,
  },
  /** Organisers: mutes one participant; they cannot send audio until allowed. */
  'moderation.mute': { request: z.strictObject({ accountId: AccountId }), response: Empty },
  /** Organisers: mutes every point and delegate (not organisers, the host point or the floor holder). */
  'moderation.muteAll': { request: Empty, response: z.object({ muted: z.number().int() }) },
  /** Organisers: allows a host-muted participant again and asks them to unmute (a prompt on their screen). */
  'moderation.askUnmute': { request: z.strictObject({ accountId: AccountId }), response: Empty },
  /** Organisers: removes a participant from the meeting; they cannot come back unless re-admitted. */
  'moderation.remove': { request: z.strictObject({ accountId: AccountId }), response: Empty },
  /** Organisers: lets a removed participant join again. */
  'moderation.readmit': { request: z.strictObject({ accountId: AccountId }), response: Empty },
  /** Organisers: locks or unlocks the meeting (while locked, only organisers and those already in may join). */
  'moderation.lock': { request: z.strictObject({ locked: z.boolean() }), response: Empty },
} as const;

export interface FloorNotifications {
  'floor.changed': FloorState;
  /** The host asks this participant to turn their microphone on. */
  'moderation.unmuteAsked': { by: string };
}
