/**
 * Writing a batch of ballots inside one store transaction (see commit-queue.ts). Each ballot is
 * checked in the transaction — vote still open and within its time, this voter not already
 * recorded, nor twice in the batch — and gets its own outcome; those that pass are written
 * together: voters' rows, one update of every counter of each vote (the batch's sums, 0 added to
 * the others), and each ballot's own chain event, in order of arrival.
 *
 * Secret votes: the voters' rows are inserted in account-id order, not in order of arrival, and
 * the anonymous choices only enter the counters as the batch's sums, so nothing in the batch ties
 * a voter to a choice.
 */
import type { Transaction } from 'kysely';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { appendEvents, INSERT_CHUNK, type ChainEvent } from './chain';
import type { Outcome } from './commit-queue';

export interface BallotRequest {
  voteId: string;
  voter: string;
  /** The operator who records it for a delegate without a device, or null. */
  recordedBy: string | null;
  /** Valid option ids, in the vote's option order. */
  choices: string[];
}

export interface CastAck {
  voteId: string;
  castCount: number;
  chainHead: string;
}

export interface WrittenBallots<B extends BallotRequest = BallotRequest> {
  outcomes: Outcome<CastAck>[];
  /** The ballots written, in order of arrival. */
  accepted: B[];
  /** Ballots cast per vote after the batch. */
  castCounts: Map<string, number>;
}

const keyOf = (voteId: string, voter: string) => `${voteId}\n${voter}`;
export const alreadyVoted = () => new AppError('already_voted', 'a ballot was already cast and cannot be changed');

/** Each ballot's check against the stored vote and the voters recorded so far (`taken` grows). */
function check(b: BallotRequest, vote: { status: string; closes_at: string | null } | undefined, taken: Set<string>, now: number): AppError | null {
  if (!vote || vote.status !== 'open') return new AppError('vote_not_open', `the vote is ${vote?.status ?? 'gone'}`);
  if (vote.closes_at && Date.parse(vote.closes_at) <= now) return new AppError('vote_not_open', 'the time to vote is over');
  if (taken.has(keyOf(b.voteId, b.voter))) return alreadyVoted();
  taken.add(keyOf(b.voteId, b.voter));
  return null;
}

/** Runs inside the caller's transaction, after the meeting's chain is locked. */
export async function writeBallots<B extends BallotRequest>(tx: Transaction<Database>, meetingId: string, batch: B[], now = Date.now()): Promise<WrittenBallots<B>> {
  // Every ballot of the batch refused by its rules: nothing to write (and `IN ()` is not SQL on PostgreSQL).
  if (batch.length === 0) return { outcomes: [], accepted: [], castCounts: new Map() };
  const voteIds = [...new Set(batch.map((b) => b.voteId))];
  const votes = new Map((await tx.selectFrom('votes').select(['id', 'status', 'closes_at', 'secret', 'options']).where('id', 'in', voteIds).execute()).map((v) => [v.id, v]));
  const existing = await tx.selectFrom('vote_voters').select(['vote_id', 'account_id']).where('vote_id', 'in', voteIds).where('account_id', 'in', [...new Set(batch.map((b) => b.voter))]).execute();
  const taken = new Set(existing.map((r) => keyOf(r.vote_id, r.account_id)));
  const refused = batch.map((b) => check(b, votes.get(b.voteId), taken, now));
  const accepted = batch.filter((_, i) => refused[i] === null);

  const castCounts = new Map<string, number>();
  for (const voteId of new Set(accepted.map((b) => b.voteId))) {
    const vote = votes.get(voteId)!;
    const mine = accepted.filter((b) => b.voteId === voteId);
    await insertVoters(tx, mine, vote.secret === 1);
    // Every counter of the vote is written once per batch (0 added to the untouched ones).
    for (const o of JSON.parse(vote.options) as { id: string }[]) {
      const add = mine.filter((b) => b.choices.includes(o.id)).length;
      await tx.updateTable('vote_tallies').set((eb) => ({ count: eb('count', '+', add) })).where('vote_id', '=', voteId).where('option_id', '=', o.id).execute();
    }
    const n = await tx.selectFrom('vote_voters').select((eb) => eb.fn.countAll<number>().as('n')).where('vote_id', '=', voteId).executeTakeFirstOrThrow();
    castCounts.set(voteId, Number(n.n));
  }

  const at = new Date(now).toISOString();
  const events = accepted.map((b): ChainEvent =>
    votes.get(b.voteId)!.secret === 1
      ? { type: 'ballot', voteId: b.voteId, voterId: b.voter, recordedBy: b.recordedBy }
      : { type: 'ballot', voteId: b.voteId, voterId: b.voter, recordedBy: b.recordedBy, choices: b.choices, at },
  );
  const heads = events.length ? await appendEvents(tx, meetingId, events) : [];
  let next = 0;
  const outcomes = batch.map((b, i): Outcome<CastAck> => {
    const error = refused[i];
    if (error) return { ok: false, error };
    return { ok: true, value: { voteId: b.voteId, castCount: castCounts.get(b.voteId)!, chainHead: heads[next++]! } };
  });
  return { outcomes, accepted, castCounts };
}

/** Voters' rows of one vote; secret votes keep no choice, and their rows go in account-id order. */
async function insertVoters(tx: Transaction<Database>, ballots: BallotRequest[], secret: boolean): Promise<void> {
  const rows = ballots.map((b) => ({ vote_id: b.voteId, account_id: b.voter, recorded_by: b.recordedBy, choices: secret ? null : JSON.stringify(b.choices) }));
  if (secret) rows.sort((a, b) => (a.account_id < b.account_id ? -1 : a.account_id > b.account_id ? 1 : 0));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertInto('vote_voters').values(rows.slice(i, i + INSERT_CHUNK)).execute();
}

