/**
 * Draining this server (issue 16, step 6): an admin sets `draining` on its `cluster_servers` row
 * (PUT /api/cluster/servers/:id/drain, through any server); this server reads it back at its next
 * heartbeat (or at once when the request came to it). Then placement no longer chooses it, and it
 * moves its participants to the others: each meeting connection is closed with
 * `DRAIN_CLOSE_CODE` (4011), which tells the client to ask for a placement again at once (no
 * wait) and rejoin elsewhere with the same identity. They go in small batches, so the servers
 * receiving them are not hit by every join at the same instant. A join that still reaches this
 * server (an old placement, a proxy's retry) is turned away the same way.
 *
 * Nothing of a meeting stops: its state is in PostgreSQL; as this server's last participant of a
 * meeting leaves, it gives the meeting's home lease up at once (meeting-home.ts) and a server
 * carrying the meeting takes it with the open votes' timers; a participant moved is back on
 * another server within one rejoin.
 */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handler } from '../signaling/handlers';
import type { Logger } from '../observability/logger';

/** The close code that tells a client to re-place now (common: signaling-session.ts). */
export const DRAIN_CLOSE_CODE = 4011;

export interface DrainOptions {
  /** The signaling connections open now. */
  contexts: () => ConferenceContext[];
  logger: Logger;
  /** Connections closed per batch, and the pause between batches. */
  batch?: number;
  pauseMs?: number;
}

export class Drain {
  #draining = false;
  #changedAt = 0;
  #moved = 0;
  #running: Promise<void> | null = null;

  constructor(readonly o: DrainOptions) {}

  get draining(): boolean {
    return this.#draining;
  }

  /** Participants told to move since the start. */
  get moved(): number {
    return this.#moved;
  }

  /**
   * What the registry says (`asOf`: when that heartbeat was sent) or an admin's request to this
   * server. A heartbeat sent before the last change does not undo it (it may have read the row
   * before an admin's request here wrote it).
   */
  update(draining: boolean, asOf = Date.now()): void {
    if (asOf < this.#changedAt || draining === this.#draining) return;
    this.#draining = draining;
    this.#changedAt = Date.now();
    this.o.logger.info({ draining }, draining ? 'drain: this server takes no participants and moves its own to the others' : 'drain ended: this server takes participants again');
    if (draining) this.#running ??= this.#move().finally(() => (this.#running = null));
  }

  /** Turns a participant away (a join while draining). */
  turnAway(ctx: ConferenceContext): void {
    this.#moved++;
    ctx.disconnect(DRAIN_CLOSE_CODE, 'server draining: join another server');
  }

  /** The join handler, turning joins away while draining (as presence-bridge.ts wraps it). */
  wrapJoin(join: Handler<ConferenceContext, 'join'>): Handler<ConferenceContext, 'join'> {
    return async (ctx, data) => {
      if (this.#draining) {
        this.turnAway(ctx);
        throw new AppError('unavailable', 'this server is draining: join through another server');
      }
      return join(ctx, data);
    };
  }

  async #move(): Promise<void> {
    const batch = this.o.batch ?? 20;
    const pauseMs = this.o.pauseMs ?? 200;
    while (this.#draining) {
      const inMeetings = this.o.contexts().filter((c) => c.peer);
      if (inMeetings.length === 0) return;
      for (const ctx of inMeetings.slice(0, batch)) this.turnAway(ctx);
      this.o.logger.info({ moved: Math.min(batch, inMeetings.length), left: Math.max(0, inMeetings.length - batch) }, 'drain: participants told to move');
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
