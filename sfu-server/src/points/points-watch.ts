/**
 * The points panel is pushed, not polled: asking `points.status` once (when the panel opens, and
 * after each rejoin) makes the asker a watcher for as long as it stays in the room, and the server
 * sends it `pointsStatus` whenever what it would be answered changes (a point joins or leaves,
 * its picture or sound starts or stops, its link turns poor or recovers). One server sweep every
 * PUSH_MS per room with watchers replaces every open panel's request every 2 s; what each
 * watcher may see is the same as its answer (`PointsService.status`: diagnostics for organisers
 * only), re-authorized at each sweep, and a watcher that lost access is dropped.
 *
 * Nothing runs while no panel is open: the sweep timer starts with the first watcher and stops
 * with the last.
 */
import type { ResponseData } from '../../../common/protocol';
import type { Actor } from '../auth/policy';
import type { Peer } from '../media/peer';
import type { Room } from '../media/room';
import type { PointsService } from './points-service';

export const PUSH_MS = 2_000;

type Status = ResponseData<'points.status'>;

interface Watcher {
  actor: Actor;
  /** What it was last sent (its answer or a push), as JSON, to send changes only. */
  last: string;
}

export class PointsWatch {
  readonly #watchers = new Map<Room, Map<Peer, Watcher>>();
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> | null = null;

  constructor(
    private readonly points: Pick<PointsService, 'status'>,
    private readonly intervalMs = PUSH_MS,
  ) {}

  /** The status for this peer now; from then on it is pushed its changes while it is in the room. */
  async watch(actor: Actor, room: Room, peer: Peer): Promise<Status> {
    const status = await this.points.status(actor, room);
    let watchers = this.#watchers.get(room);
    if (!watchers) this.#watchers.set(room, (watchers = new Map()));
    watchers.set(peer, { actor, last: JSON.stringify(status) });
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.sweep(), this.intervalMs);
      this.#timer.unref();
    }
    return status;
  }

  /** How many peers are watching (tests, metrics). */
  get watching(): number {
    let n = 0;
    for (const w of this.#watchers.values()) n += w.size;
    return n;
  }

  /** Recomputes every watcher's status and pushes those that changed (one sweep at a time). */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweep().finally(() => (this.#sweeping = null));
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    for (const [room, watchers] of [...this.#watchers]) {
      for (const [peer, watcher] of [...watchers]) {
        if (room.closed || room.peers.get(peer.id) !== peer) {
          watchers.delete(peer);
          continue;
        }
        let status: Status;
        try {
          status = await this.points.status(watcher.actor, room);
        } catch {
          // No longer allowed to see the meeting (access revoked, meeting ended): stop pushing.
          watchers.delete(peer);
          continue;
        }
        const text = JSON.stringify(status);
        if (text === watcher.last) continue;
        watcher.last = text;
        peer.notify('pointsStatus', status);
      }
      if (watchers.size === 0) this.#watchers.delete(room);
    }
    if (this.#watchers.size === 0) this.close();
  }

  /** Stops the sweep timer (it starts again with the next watcher). */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
