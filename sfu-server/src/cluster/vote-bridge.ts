/**
 * Votes across servers (issue 16, wiring step 3): ballots are stored by whichever server receives
 * them (the meeting's hash-chain lock in PostgreSQL, voting/chain.ts, serialises them across
 * servers, and `already_voted` is the database's primary key), then announced:
 * - `vote.progress` after each batch commits, by the server that stored it: the others fan it out
 *   to their own peers as voting-service's #flushProgress does;
 * - `vote.updated` after an open, close, cancel or edit: the others rebuild each of their peers'
 *   views from the store (per-peer eligibility, the result once closed).
 * On `resync` every vote of the meeting that is open (or closed in the last minutes) is pushed
 * again from the store, which covers any announcement missed.
 */
import type { Logger } from '../observability/logger';
import type { Db } from '../store/database';
import type { VoteProgressData, VotingService } from '../voting/voting-service';
import type { MeetingEventBus } from './event-bus';

/** Named ballots per `vote.progress` message (meeting-events.ts allows 1000). */
const BALLOTS_PER_EVENT = 500;

export class VoteBridge {
  voting: VotingService | undefined;

  constructor(
    readonly bus: MeetingEventBus,
    readonly db: Db,
    readonly logger: Logger,
  ) {
    bus.onEvent(({ meetingId, event }) => {
      if (!this.voting) return;
      if (event.type === 'vote.progress') {
        const { type: _type, ...progress } = event;
        this.voting.pushProgress(meetingId, progress);
      }
      else if (event.type === 'vote.updated') this.#refresh(event.voteId);
    });
    bus.onResync((meetingId) => void this.#resync(meetingId));
  }

  #warn(err: unknown, what: string, fields: Record<string, unknown>): void {
    this.logger.warn({ err: { message: (err as Error)?.message }, ...fields }, what);
  }

  #refresh(voteId: string): void {
    this.voting?.refresh(voteId).catch((err: unknown) => this.#warn(err, 'cluster votes: a vote changed elsewhere was not pushed', { voteId }));
  }

  async #resync(meetingId: string): Promise<void> {
    try {
      const since = new Date(Date.now() - 10 * 60_000).toISOString();
      const rows = await this.db.selectFrom('votes').select('id').where('meeting_id', '=', meetingId).where((w) => w.or([w('status', '=', 'open'), w('closed_at', '>=', since)])).execute();
      for (const r of rows) this.#refresh(r.id);
    } catch (err) {
      this.#warn(err, 'cluster votes: not read back after a resync', { meetingId });
    }
  }

  /** VotingService's `onProgress`. */
  progress = (meetingId: string, data: VoteProgressData): void => {
    const parts = data.ballots.length > BALLOTS_PER_EVENT ? Math.ceil(data.ballots.length / BALLOTS_PER_EVENT) : 1;
    for (let i = 0; i < parts; i++) {
      const ballots = data.ballots.slice(i * BALLOTS_PER_EVENT, (i + 1) * BALLOTS_PER_EVENT);
      this.bus.publish(meetingId, { type: 'vote.progress', voteId: data.voteId, castCount: data.castCount, tally: data.tally, ballots }).catch((err: unknown) => this.#warn(err, 'cluster votes: progress not relayed (the ballots are stored)', { meetingId }));
    }
  };

  /** VotingService's `onUpdated`. */
  updated = (meetingId: string, voteId: string): void => {
    this.bus.publish(meetingId, { type: 'vote.updated', voteId }).catch((err: unknown) => this.#warn(err, 'cluster votes: change not relayed', { meetingId, voteId }));
  };
}
