/**
 * The rules of a ballot, checked inside its batch's transaction (voting-service.ts, ballots.ts):
 * the vote is of the caller's meeting, the caller may see the meeting and vote (or record for a
 * delegate of its bridge point who has no device), is on the vote's list, and chose validly.
 * "Open", "within its time" and "one per voter" are checked when the batch is written (ballots.ts).
 */
import type { Transaction } from 'kysely';
import type { ProxyCandidate } from '../../../common/protocol/voting';
import { canOnMeeting, type Actor, type MeetingFacts } from '../auth/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { Database, VotesTable } from '../store/schema';
import type { BallotRequest } from './ballots';
import { parseOptions } from './vote-rows';

/** A ballot as asked, waiting in its vote's commit queue. */
export interface BallotAttempt {
  actor: Actor;
  voteId: string;
  choices: string[];
  onBehalfOf: string | undefined;
  /** The meeting whose room the request came from: the vote must be of it. */
  roomMeetingId: string | undefined;
}

/** What the checks read, through the batch's transaction. */
export interface BallotRuleReads {
  facts(actor: Actor, meetingId: string, db: Transaction<Database>): Promise<MeetingFacts>;
  proxyCandidates(actor: Actor, row: VotesTable, db: Transaction<Database>): Promise<ProxyCandidate[]>;
}

export function isOrganiser(actor: Actor, f: MeetingFacts): boolean {
  return actor.accountId === f.chairId || actor.accountId === f.secretaryId || actor.accountId === f.createdBy;
}

/** The chosen option ids in the vote's option order; refuses a repeated, unknown or extra choice. */
export function validChoices(row: Pick<VotesTable, 'options' | 'max_choices'>, choices: string[]): string[] {
  const options = parseOptions(row);
  const unique = [...new Set(choices)];
  if (unique.length !== choices.length) throw new AppError('bad_request', 'an option is chosen twice', { field: 'choices' });
  const unknown = unique.filter((c) => !options.some((o) => o.id === c));
  if (unknown.length) throw new AppError('bad_request', 'unknown option', { field: 'choices', options: unknown });
  if (unique.length > row.max_choices) throw new AppError('bad_request', `at most ${row.max_choices} choice(s)`, { field: 'choices', max: row.max_choices });
  return options.map((o) => o.id).filter((id) => unique.includes(id));
}

/** The rules of one ballot, read in the batch's transaction: who may vote, for whom, when, what. */
export async function checkBallot(tx: Transaction<Database>, row: VotesTable, a: BallotAttempt, reads: BallotRuleReads): Promise<BallotRequest> {
  const { actor } = a;
  if (a.roomMeetingId !== undefined && a.roomMeetingId !== row.meeting_id) throw notFound('vote');
  const facts = await reads.facts(actor, row.meeting_id, tx);
  if (!canOnMeeting(actor, 'meeting.view', facts)) throw notFound('meeting');
  if (row.status === 'draft' && !isOrganiser(actor, facts)) throw notFound('vote');
  const proxy = a.onBehalfOf !== undefined && a.onBehalfOf !== actor.accountId;
  const voter = proxy ? a.onBehalfOf! : actor.accountId;
  if (proxy) {
    if (!canOnMeeting(actor, 'vote.proxy', facts)) throw forbidden('only the operator of an invited bridge point records ballots for others');
    const candidates = await reads.proxyCandidates(actor, row, tx);
    if (!candidates.some((c) => c.accountId === voter)) throw forbidden('that delegate is not of this bridge point, or is connected and votes themselves');
  } else if (!canOnMeeting(actor, 'vote.cast', facts)) {
    throw forbidden(actor.role === 'guest' || actor.role === 'observer' ? 'guests and observers do not vote' : 'you cannot vote in this meeting');
  }
  if (row.status === 'draft') throw new AppError('vote_not_open', 'the vote is not open yet');
  if (!(JSON.parse(row.eligible_ids ?? '[]') as string[]).includes(voter)) {
    // A vote closed meanwhile says so before "not on the list".
    if (row.status !== 'open') throw new AppError('vote_not_open', `the vote is ${row.status}`);
    if (row.closes_at && Date.parse(row.closes_at) <= Date.now()) throw new AppError('vote_not_open', 'the time to vote is over');
    throw forbidden('not on the list of voters of this vote');
  }
  return { voteId: row.id, voter, recordedBy: proxy ? actor.accountId : null, choices: validChoices(row, a.choices) };
}
