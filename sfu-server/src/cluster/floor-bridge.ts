/**
 * The floor and moderation across servers (issue 16, wiring step 3).
 *
 * A request (`floor.give`, `moderation.mute`, ...) is applied by the server that received it, not
 * forwarded to the meeting's home: every change runs under a PostgreSQL advisory lock of the
 * meeting (held on one pooled connection for the change), reads the floor back from the store
 * first and stores its result before the lock is let go. So two servers' changes never interleave
 * and none works on a stale model; a server that dies mid-change loses its connection, which ends
 * the lock. Then `floor.changed` goes on the bus; the other servers read the state back
 * (FloorService.applyRemote), set their own peers' microphones by it (the new speaker on, whom it
 * does not allow off, removed participants out) and push `floor.changed` to their peers. A host's
 * "please unmute" for a participant on another server goes as `moderation` to the server carrying it.
 */
import { sql, type Kysely } from 'kysely';
import type { FloorCluster, FloorService } from '../floor/floor-service';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import type { MeetingEventBus } from './event-bus';
import type { PresenceBridge } from './presence-bridge';

/** First key of the floor's advisory locks (the second is the meeting id's hash). */
const FLOOR_LOCK_CLASS = 0x666c6f72; // 'flor'
/**
 * Changes holding a lock at once on this server. Each holds one pooled connection while its writes
 * take others: bounded well under the store's pool (10), so lock holders never take every
 * connection and wait for one of their own.
 */
const MAX_LOCK_HOLDERS = 4;

export class FloorBridge implements FloorCluster {
  #revision = 0;
  #holders = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly bus: MeetingEventBus,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly db: Kysely<any>,
    readonly rooms: Rooms,
    readonly presence: PresenceBridge,
    readonly floor: FloorService,
    readonly logger: Logger,
  ) {
    floor.cluster = this;
    bus.onEvent(({ meetingId, event }) => {
      if (event.type === 'floor.changed') this.#readBack(meetingId);
      else if (event.type === 'moderation' && event.action === 'unmuteAsked') {
        this.rooms.broadcast(meetingId, 'moderation.unmuteAsked', { by: event.by }, (p) => p.identity.accountId === event.accountId);
      }
    });
    bus.onResync((meetingId) => this.#readBack(meetingId));
  }

  #readBack(meetingId: string): void {
    this.floor.applyRemote(meetingId).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster floor: a change made elsewhere was not read back'));
  }

  async exclusive<T>(meetingId: string, change: () => Promise<T>): Promise<T> {
    while (this.#holders >= MAX_LOCK_HOLDERS) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#holders++;
    try {
      return await this.#locked(meetingId, change);
    } finally {
      this.#holders--;
      this.#waiting.shift()?.();
    }
  }

  async #locked<T>(meetingId: string, change: () => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${FLOOR_LOCK_CLASS}, hashtext(${meetingId}))`.execute(conn);
      try {
        return await change();
      } finally {
        await sql`SELECT pg_advisory_unlock(${FLOOR_LOCK_CLASS}, hashtext(${meetingId}))`.execute(conn).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster floor: lock not let go (it ends with the connection)'));
      }
    });
  }

  remotePeer(meetingId: string, accountId: string) {
    return this.presence.remotePeer(meetingId, accountId);
  }

  remotePeers(meetingId: string) {
    return this.presence.remote.peers(meetingId);
  }

  changed(meetingId: string): void {
    this.bus.publish(meetingId, { type: 'floor.changed', revision: ++this.#revision }).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster floor: change not relayed (stored; the others read it back at their next resync)'));
  }

  unmuteAsked(meetingId: string, accountId: string, by: string): void {
    this.bus.publish(meetingId, { type: 'moderation', accountId, action: 'unmuteAsked', by }).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster floor: unmute request not relayed'));
  }
}
