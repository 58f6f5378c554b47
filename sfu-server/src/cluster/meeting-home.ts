/**
 * Each meeting's *home* among several servers (issue 16, wiring step 4): the server holding the
 * lease `meeting:<id>` makes the meeting's unique timed decisions (a vote closing at its time) and
 * tidies after a dead server (closes its presence rows), each write fenced by the lease's token.
 *
 * - Every server carrying participants of a meeting runs a `LeaseKeeper` on its lease: the first to
 *   get it is the home and keeps it while it carries anyone; the others keep trying (every TTL/3),
 *   so when the home dies its lease lapses after the TTL and one of them takes it over.
 * - The last local participant leaving releases the lease at once, so another server carrying the
 *   meeting takes it within TTL/3.
 * - `onAcquired` / `onLost` tell the capabilities (vote timers armed / disarmed).
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import { Serial } from '../floor/serial';
import { LeaseLostError, type LeaseGrant, type PgLeases } from './lease';
import { LeaseKeeper } from './lease-keeper';

export const meetingLease = (meetingId: string) => `meeting:${meetingId}`;

export interface MeetingHomesOptions {
  leases: PgLeases;
  rooms: Rooms;
  serverId: string;
  ttlMs: number;
  logger: Logger;
}

type Listener = (meetingId: string, grant: LeaseGrant) => void;

export class MeetingHomes {
  readonly #o: MeetingHomesOptions;
  readonly #keepers = new Map<string, LeaseKeeper>();
  /** Per meeting: taking up and giving up the lease stay in order with the joins and leaves. */
  readonly #serial = new Serial();
  readonly #acquired = new Set<Listener>();
  readonly #lost = new Set<Listener>();
  #closed = false;
  /** This process as a lease owner (a restarted server is a new owner, its tokens higher). */
  readonly #owner: string;

  constructor(options: MeetingHomesOptions) {
    this.#o = options;
    this.#owner = `${options.serverId}/${randomBytes(4).toString('hex')}`;
    options.rooms.events.on('peerJoined', (room) => this.#run(room.name, () => this.#want(room.name)));
    options.rooms.events.on('peerLeft', (room) => this.#run(room.name, () => this.#maybeGiveUp(room.name)));
  }

  /** Whether this server is the meeting's home now (its lease held and valid here). */
  isHome(meetingId: string): boolean {
    return this.grant(meetingId) !== null;
  }

  grant(meetingId: string): LeaseGrant | null {
    return this.#keepers.get(meetingId)?.current ?? null;
  }

  /** The meetings this server is the home of now. */
  held(): string[] {
    return [...this.#keepers].filter(([, k]) => k.current !== null).map(([id]) => id);
  }

  /** The meetings whose lease this server holds or tries to take (it carries participants of them). */
  carried(): string[] {
    return [...this.#keepers.keys()];
  }

  onAcquired(listener: Listener): void {
    this.#acquired.add(listener);
  }

  onLost(listener: Listener): void {
    this.#lost.add(listener);
  }

  /**
   * The fence, inside a write's transaction: refuses it (LeaseLostError, the transaction rolls
   * back) unless this server still holds the meeting's home lease with the token it was given.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async fence(tx: Transaction<any>, meetingId: string): Promise<void> {
    const grant = this.grant(meetingId);
    if (!grant) throw new LeaseLostError(meetingLease(meetingId), 0, null);
    await this.#o.leases.checkFence(tx, grant.name, grant.token);
  }

  /** The server stops: every home lease is given up at once (the others take them over now). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#keepers.values()].map((k) => k.stop({ release: true })));
    this.#keepers.clear();
  }

  #run(meetingId: string, task: () => Promise<void>): void {
    void this.#serial.run(meetingId, task).catch((err: unknown) => this.#o.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'meeting home: lease not taken up or given up'));
  }

  async #want(meetingId: string): Promise<void> {
    if (this.#closed || this.#keepers.has(meetingId)) return;
    const { leases, ttlMs, logger } = this.#o;
    const owner = this.#owner;
    const keeper = new LeaseKeeper({
      leases,
      name: meetingLease(meetingId),
      owner,
      ttlMs,
      logger,
      onAcquired: (grant) => {
        logger.info({ meetingId, fencingToken: grant.token }, 'meeting home: this server is the home');
        for (const l of this.#acquired) l(meetingId, grant);
      },
      onLost: (grant) => {
        for (const l of this.#lost) l(meetingId, grant);
      },
    });
    this.#keepers.set(meetingId, keeper);
    keeper.start();
  }

  async #maybeGiveUp(meetingId: string): Promise<void> {
    if ((this.#o.rooms.find(meetingId)?.peers.size ?? 0) > 0) return;
    const keeper = this.#keepers.get(meetingId);
    if (!keeper) return;
    this.#keepers.delete(meetingId);
    await keeper.stop({ release: true });
  }
}
