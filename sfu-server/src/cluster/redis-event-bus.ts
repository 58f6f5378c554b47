/**
 * The meeting event bus on Redis pub/sub (ioredis), one channel per meeting
 * (`<prefix>meeting:<id>`). Chosen over PostgreSQL LISTEN/NOTIFY by measurement
 * (tests/bench/event-bus.ts, docs/ARCHITECTURE.md "Several servers").
 *
 * Two connections: one publishes, one subscribes (a subscribed Redis connection can do nothing
 * else). Both reconnect by themselves (ioredis' retryStrategy, backing off to 2 s) and never queue
 * commands while away: a publish then fails at once (BusUnavailableError) instead of arriving
 * late, and its sequence number is spent, so receivers see the gap. Subscriptions are made again
 * by this class after each reconnect (not by ioredis' autoResubscribe), so `resync` is emitted
 * only once the channel is heard again: whatever a receiver reads from the store after it cannot
 * miss an event published later.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger';
import { BusUnavailableError, type BusStats, type MeetingEventBus, type ReceivedEvent, type ResyncReason } from './event-bus';
import { Envelope, MAX_EVENT_BYTES, MeetingEvent, parseEnvelope } from './meeting-events';

export interface RedisEventBusOptions {
  /** redis://host:port[/db] */
  url: string;
  serverId: string;
  /** Channel prefix, so several deployments (or tests) can share one Redis. Default 'phonghop:'. */
  prefix?: string;
  logger: Logger;
  /** Longest wait between reconnection attempts (ms). Default 2000. */
  maxReconnectDelayMs?: number;
}

type Listener<A extends unknown[]> = (...args: A) => void;

export class RedisEventBus implements MeetingEventBus {
  readonly serverId: string;
  readonly #epoch = randomBytes(8).toString('hex');
  readonly #prefix: string;
  readonly #log: Logger;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #wanted = new Set<string>();
  /** Next sequence number per meeting of this process's messages. */
  readonly #seq = new Map<string, number>();
  /** Last sequence heard per meeting and sender (`server epoch`). */
  readonly #heard = new Map<string, Map<string, number>>();
  readonly #events = new Set<Listener<[ReceivedEvent]>>();
  readonly #resyncs = new Set<Listener<[string, ResyncReason]>>();
  readonly #invalids = new Set<Listener<[string, string]>>();
  readonly #stats: BusStats = { published: 0, publishFailed: 0, received: 0, invalid: 0, gaps: 0, reconnects: 0 };
  #readyCount = 0;
  #down = new Set<string>();
  #closed = false;

  private constructor(options: RedisEventBusOptions) {
    this.serverId = options.serverId;
    this.#prefix = options.prefix ?? 'phonghop:';
    this.#log = options.logger;
    const maxDelay = options.maxReconnectDelayMs ?? 2000;
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), maxDelay),
    };
    this.#pub = new Redis(options.url, { ...common, connectionName: `phonghop-pub-${options.serverId}` });
    this.#sub = new Redis(options.url, { ...common, connectionName: `phonghop-sub-${options.serverId}` });
    for (const [name, client] of [['publisher', this.#pub], ['subscriber', this.#sub]] as const) {
      // Without an 'error' listener an unreachable Redis would end the process.
      client.on('error', (err: Error) => {
        if (this.#down.has(name)) return;
        this.#down.add(name);
        this.#log.warn({ err: { message: err.message }, connection: name }, 'event bus: Redis connection lost; reconnecting');
      });
      client.on('ready', () => {
        if (this.#down.delete(name)) this.#log.info({ connection: name }, 'event bus: Redis connection back');
      });
    }
    this.#sub.on('ready', () => void this.#subscribed());
    this.#sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#receive(channel.toString('utf8'), message));
  }

  /** Connects both connections; rejects (and stops trying) when Redis cannot be reached at start. */
  static async connect(options: RedisEventBusOptions): Promise<RedisEventBus> {
    const bus = new RedisEventBus(options);
    try {
      await Promise.all([bus.#pub.connect(), bus.#sub.connect()]);
    } catch (err) {
      bus.#pub.disconnect();
      bus.#sub.disconnect();
      throw new BusUnavailableError(`Redis at ${redactUrl(options.url)} cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    return bus;
  }

  /** Both connections are up (publishing works; subscriptions are being made or made). */
  get connected(): boolean {
    return this.#pub.status === 'ready' && this.#sub.status === 'ready';
  }

  get joined(): ReadonlySet<string> {
    return this.#wanted;
  }

  channel(meetingId: string): string {
    return `${this.#prefix}meeting:${meetingId}`;
  }

  async join(meetingId: string): Promise<void> {
    this.#wanted.add(meetingId);
    try {
      await this.#sub.subscribe(this.channel(meetingId));
    } catch (err) {
      throw new BusUnavailableError(`cannot subscribe to meeting ${meetingId}: ${(err as Error).message}`, { cause: err });
    }
  }

  async leave(meetingId: string): Promise<void> {
    this.#wanted.delete(meetingId);
    this.#heard.delete(meetingId);
    // While away there is no subscription to end: the next reconnect simply does not make it again.
    if (this.#sub.status === 'ready') await this.#sub.unsubscribe(this.channel(meetingId)).catch(() => undefined);
  }

  async publish(meetingId: string, event: MeetingEvent): Promise<void> {
    if (this.#closed) throw new BusUnavailableError('the event bus is closed');
    // What we send is checked as strictly as what we receive: a bug here would be dropped by every
    // receiver. A refused event takes no sequence number (it is not a gap: nobody missed it).
    const seq = (this.#seq.get(meetingId) ?? 0) + 1;
    const envelope: Envelope = { v: 1, server: this.serverId, epoch: this.#epoch, meetingId, seq, sentAt: Date.now(), event: MeetingEvent.parse(event) };
    const payload = JSON.stringify(envelope);
    if (Buffer.byteLength(payload) > MAX_EVENT_BYTES) throw new RangeError(`event of ${Buffer.byteLength(payload)} bytes exceeds ${MAX_EVENT_BYTES}`);
    // From here on the number is spent, sent or not: a failed send shows as a gap to the receivers.
    this.#seq.set(meetingId, seq);
    try {
      await this.#pub.publish(this.channel(meetingId), payload);
      this.#stats.published++;
    } catch (err) {
      this.#stats.publishFailed++;
      throw new BusUnavailableError(`cannot publish to meeting ${meetingId}: ${(err as Error).message}`, { cause: err });
    }
  }

  onEvent(listener: Listener<[ReceivedEvent]>): () => void {
    this.#events.add(listener);
    return () => this.#events.delete(listener);
  }

  onResync(listener: Listener<[string, ResyncReason]>): () => void {
    this.#resyncs.add(listener);
    return () => this.#resyncs.delete(listener);
  }

  onInvalid(listener: Listener<[string, string]>): () => void {
    this.#invalids.add(listener);
    return () => this.#invalids.delete(listener);
  }

  stats(): BusStats {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wanted.clear();
    await Promise.all([this.#pub, this.#sub].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
  }

  /** The subscriber is (again) connected: hear every wanted meeting, then have it read back. */
  async #subscribed(): Promise<void> {
    this.#readyCount++;
    if (this.#readyCount > 1) this.#stats.reconnects++;
    const meetings = [...this.#wanted];
    if (!meetings.length) return;
    try {
      await this.#sub.subscribe(...meetings.map((m) => this.channel(m)));
    } catch (err) {
      // Lost again meanwhile: the next 'ready' tries again.
      this.#log.warn({ err: { message: (err as Error).message } }, 'event bus: subscribing again failed');
      return;
    }
    for (const meetingId of meetings) {
      // Senders' sequences start afresh for us: what they sent meanwhile is read from the store.
      this.#heard.delete(meetingId);
      if (this.#wanted.has(meetingId)) this.#emitResync(meetingId, 'reconnected');
    }
  }

  #receive(channel: string, raw: Buffer): void {
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) return this.#invalid(parsed.reason, channel);
    const { envelope } = parsed;
    if (channel !== this.channel(envelope.meetingId)) return this.#invalid(`meeting ${envelope.meetingId} on another meeting's channel`, channel);
    if (!this.#wanted.has(envelope.meetingId)) return;
    // Redis delivers our own messages back to us.
    if (envelope.server === this.serverId && envelope.epoch === this.#epoch) return;
    let senders = this.#heard.get(envelope.meetingId);
    if (!senders) this.#heard.set(envelope.meetingId, (senders = new Map()));
    const sender = `${envelope.server} ${envelope.epoch}`;
    const last = senders.get(sender);
    if (last !== undefined && envelope.seq <= last) return; // a repeat: already handled
    senders.set(sender, envelope.seq);
    this.#stats.received++;
    if (last !== undefined && envelope.seq > last + 1) {
      this.#stats.gaps++;
      this.#emitResync(envelope.meetingId, 'gap');
    }
    const received: ReceivedEvent = { meetingId: envelope.meetingId, event: envelope.event, server: envelope.server, sentAt: envelope.sentAt };
    for (const listener of this.#events) {
      try {
        listener(received);
      } catch (err) {
        this.#log.error({ err, meetingId: envelope.meetingId, type: envelope.event.type }, 'event bus: a listener failed');
      }
    }
  }

  #invalid(reason: string, channel: string): void {
    this.#stats.invalid++;
    for (const listener of this.#invalids) listener(reason, channel);
  }

  #emitResync(meetingId: string, reason: ResyncReason): void {
    for (const listener of this.#resyncs) {
      try {
        listener(meetingId, reason);
      } catch (err) {
        this.#log.error({ err, meetingId }, 'event bus: a resync listener failed');
      }
    }
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
