/** Store rows of a vote → what clients see. */
import type { NamedBallot, PassRule, QuorumRule, VoteEntry, VoteMe, VoteOption, VoteResult, VoteStatus } from '../../../common/protocol/voting';
import type { VotesTable } from '../store/schema';

/** What a view needs beyond the vote's own row. */
export interface VoteExtras {
  voterIds: ReadonlySet<string>;
  counts: Record<string, number>;
  /** Open (named) ballots; null for secret votes (and in pushes, where they go one by one). */
  ballots: NamedBallot[] | null;
  /** Before opening: how many would be eligible now. */
  defaultCount: number;
}

export function parseOptions(row: Pick<VotesTable, 'options'>): VoteOption[] {
  return JSON.parse(row.options) as VoteOption[];
}

export function entryOf(row: VotesTable, extras: VoteExtras, me: VoteMe): VoteEntry {
  const secret = row.secret === 1;
  const showCounts = row.status !== 'draft' && row.status !== 'cancelled' && (!secret || row.status === 'closed');
  return {
    vote: {
      id: row.id,
      meetingId: row.meeting_id,
      agendaItemId: row.agenda_item_id,
      question: row.question,
      options: parseOptions(row),
      custom: row.custom === 1,
      maxChoices: row.max_choices,
      secret,
      durationSeconds: row.duration_seconds,
      voterIds: row.voter_ids ? (JSON.parse(row.voter_ids) as string[]) : null,
      quorum: row.quorum as QuorumRule,
      passRule: row.pass_rule as PassRule,
      status: row.status as VoteStatus,
      eligibleCount: row.eligible_ids ? (JSON.parse(row.eligible_ids) as string[]).length : extras.defaultCount,
      castCount: extras.voterIds.size,
      tally: showCounts ? extras.counts : null,
      openedAt: row.opened_at,
      closesAt: row.closes_at,
      closedAt: row.closed_at,
      result: row.result ? (JSON.parse(row.result) as VoteResult) : null,
      createdAt: row.created_at,
    },
    me,
    ballots: secret ? null : extras.ballots,
  };
}
