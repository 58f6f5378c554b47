/**
 * What one server tells the others about a meeting they both carry (issue 16), and the envelope
 * it travels in. Every message read from the bus is parsed with these schemas: a message from
 * another server is input like any other (a bug, an old version or anyone who can reach Redis can
 * put anything on the channel), so nothing unvalidated reaches a service.
 *
 * The state itself lives in the store (PostgreSQL with several servers): an event says what
 * changed, small enough to be pushed to the local peers at once; whatever a receiver cannot apply
 * from the event alone (a floor snapshot, a vote's per-peer view) it reads back from the store.
 */
import { z } from 'zod';
import { MEETING_STATUSES } from '../../../common/api/model';
import { ChatMessage } from '../../../common/protocol/chat';
import { NamedBallot } from '../../../common/protocol/voting';

/**
 * Largest encoded envelope accepted (bytes). Sized for the largest presence snapshot: 1000
 * participants with long Vietnamese names and three producers each encode to ~700 KB
 * (tests/unit/cluster-media-events.test.ts); 256 KiB held only ~370 of them. Redis carried 1 MiB
 * messages in the bus bench. Large Yjs updates are bounded on their own (MAX_INLINE_UPDATE_BYTES).
 */
export const MAX_EVENT_BYTES = 1024 * 1024;
/** Largest Yjs update or awareness update carried inline (bytes, before base64). */
export const MAX_INLINE_UPDATE_BYTES = 128 * 1024;

const Id = z.string().min(1).max(100);
const Name = z.string().max(300);
/** Bytes as standard base64, at most `max` bytes once decoded. */
const base64Of = (max: number) =>
  z
    .string()
    .max(Math.ceil(max / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

/** Most producers one participant has (mic, webcam, screen; a margin for what comes). */
export const MAX_PEER_PRODUCERS = 8;
/** One producer of a participant on another server, as its server announces it. */
export const RemoteProducer = z.strictObject({
  id: Id,
  kind: z.enum(['audio', 'video']),
  source: z.enum(['mic', 'webcam', 'screen']),
  paused: z.boolean(),
});
export type RemoteProducer = z.infer<typeof RemoteProducer>;

/** What the others show of a participant carried by another server (its roster entry and its producers). */
const PresenceFields = {
  peerId: Id,
  accountId: Id,
  role: z.string().max(40),
  displayName: Name,
  pointName: Name,
  unitName: Name.optional(),
  level: z.string().max(40).nullable().optional(),
  headcount: z.number().int().nonnegative().nullable().optional(),
  joinedAt: z.number().optional(),
  /** Its producers (wiring step 5): the others may pipe them in when one of their receivers consumes one. */
  producers: z.array(RemoteProducer).max(MAX_PEER_PRODUCERS).optional(),
};
export const PresencePeer = z.strictObject(PresenceFields);
export type PresencePeer = z.infer<typeof PresencePeer>;
/** Most participants one presence snapshot carries (a room holds at most MAX_PEERS_PER_ROOM). */
export const MAX_SNAPSHOT_PEERS = 1000;

export const MeetingEvent = z.discriminatedUnion('type', [
  /** A participant joined or left this server's part of the meeting. */
  z.strictObject({
    type: z.literal('presence'),
    change: z.enum(['joined', 'left']),
    ...PresenceFields,
  }),
  /**
   * Everyone this server carries in the meeting now (replaces what receivers knew of it). Sent when
   * a server starts hearing a meeting and after a resync, with `reply`: the others answer with theirs.
   */
  z.strictObject({ type: z.literal('presence.snapshot'), reply: z.boolean(), peers: z.array(PresencePeer).max(MAX_SNAPSHOT_PEERS) }),
  /** A participant's producers now (one came, went, paused or resumed): receivers elsewhere follow (pipes, step 5). */
  z.strictObject({ type: z.literal('media.producers'), peerId: Id, producers: z.array(RemoteProducer).max(MAX_PEER_PRODUCERS) }),
  /** The meeting's status changed (read the rest from the store); ended or cancelled: the rooms close. */
  z.strictObject({ type: z.literal('meeting.changed'), status: z.enum(MEETING_STATUSES) }),
  /** The floor or moderation changed: `revision` grows with every change (read the rest from the store). */
  z.strictObject({ type: z.literal('floor.changed'), revision: z.number().int().nonnegative() }),
  /** A host action on one account's microphones or presence, applied by the server carrying its peers. */
  z.strictObject({ type: z.literal('moderation'), accountId: Id, action: z.enum(['mute', 'unmuteAsked', 'remove']), by: Name }),
  /** Ballots were stored (counted once, by the server that stored them). */
  z.strictObject({
    type: z.literal('vote.progress'),
    voteId: Id,
    castCount: z.number().int().nonnegative(),
    tally: z.record(z.string().max(100), z.number().int().nonnegative()).nullable(),
    ballots: z.array(NamedBallot).max(1000),
  }),
  /** A vote was opened, closed, cancelled or edited: receivers rebuild each peer's view from the store. */
  z.strictObject({ type: z.literal('vote.updated'), voteId: Id }),
  /** A stored chat message, for the local peers it reaches (the receiver applies the thread rule). */
  z.strictObject({ type: z.literal('chat.message'), secretaryId: Id, message: ChatMessage }),
  /** A Yjs update of a shared document (annotation layer, minutes), relayed as it arrived. */
  z.strictObject({ type: z.literal('collab.update'), doc: z.string().min(1).max(300), update: base64Of(MAX_INLINE_UPDATE_BYTES) }),
  /** A y-protocols awareness update (cursors, who is drawing). */
  z.strictObject({ type: z.literal('collab.awareness'), doc: z.string().min(1).max(300), update: base64Of(MAX_INLINE_UPDATE_BYTES) }),
  /** An update too large to carry inline was stored: receivers read the document back from the store. */
  z.strictObject({ type: z.literal('collab.stored'), doc: z.string().min(1).max(300) }),
]);
export type MeetingEvent = z.infer<typeof MeetingEvent>;
export type MeetingEventType = MeetingEvent['type'];

/**
 * One message on the bus. `server` and `epoch` (random per process start) name the sender;
 * `seq` counts that sender's messages per meeting from 1, so a receiver notices a message it
 * missed (a publish that failed while the engine was away) and reads the state back.
 */
export const Envelope = z.strictObject({
  v: z.literal(1),
  server: z.string().min(1).max(100),
  epoch: z.string().min(1).max(40),
  meetingId: Id,
  seq: z.number().int().positive(),
  /** Sender's wall clock (ms since the epoch), for delay metrics only, never for ordering. */
  sentAt: z.number(),
  event: MeetingEvent,
});
export type Envelope = z.infer<typeof Envelope>;

/** Parses an encoded envelope; a reason instead of a value when it is not one. */
export function parseEnvelope(raw: string | Buffer): { ok: true; envelope: Envelope } | { ok: false; reason: string } {
  if (raw.length > MAX_EVENT_BYTES) return { ok: false, reason: `too large (${raw.length} bytes)` };
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 500) };
  return { ok: true, envelope: parsed.data };
}
