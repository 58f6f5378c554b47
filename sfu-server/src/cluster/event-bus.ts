/**
 * The meeting event bus between servers (issue 16): each server joins the meetings it carries
 * participants of, publishes what happens there and hears what the others publish.
 *
 * Delivery is at most once and in order per sender and meeting; it is a notification path, not
 * the record: everything acknowledged to a user (a ballot, a chat message, an annotation) is in
 * the store before it is published. A receiver is told to read a meeting back from the store
 * (`resync`) whenever it may have missed something: after its connection to the engine comes
 * back, and when a sender's sequence shows a gap (a publish that failed while the engine was away).
 */
import type { MeetingEvent } from './meeting-events';

export interface ReceivedEvent {
  meetingId: string;
  event: MeetingEvent;
  /** The sending server's id. */
  server: string;
  /** The sender's wall clock at publish (ms), for delay metrics only. */
  sentAt: number;
}

export type ResyncReason = 'reconnected' | 'gap';

export interface BusStats {
  published: number;
  publishFailed: number;
  received: number;
  /** Messages dropped because they failed validation. */
  invalid: number;
  gaps: number;
  reconnects: number;
}

export interface MeetingEventBus {
  /** This server's id, as its messages carry it. */
  readonly serverId: string;
  /**
   * Starts hearing a meeting. Resolves once subscribed; rejects with BusUnavailableError while the
   * engine is away, but the meeting stays wanted: it is subscribed when the engine is back, and a
   * `resync` for it follows.
   */
  join(meetingId: string): Promise<void>;
  /** Stops hearing a meeting (no participant of it is left on this server). */
  leave(meetingId: string): Promise<void>;
  /** Sends an event to the other servers of the meeting; rejects with BusUnavailableError while the engine is away. */
  publish(meetingId: string, event: MeetingEvent): Promise<void>;
  onEvent(listener: (received: ReceivedEvent) => void): () => void;
  /** The meeting's state must be read back from the store: events may have been missed. */
  onResync(listener: (meetingId: string, reason: ResyncReason) => void): () => void;
  /** A message failed validation and was dropped (for logging and metrics). */
  onInvalid(listener: (reason: string, channel: string) => void): () => void;
  readonly joined: ReadonlySet<string>;
  stats(): BusStats;
  close(): Promise<void>;
}

export class BusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusUnavailableError';
  }
}
