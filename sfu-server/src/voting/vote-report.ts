/**
 * A meeting's votes and results in a plain shape (for the minutes feature, and the CSV and PDF
 * exports): closed votes with their counts, quorum, outcome, chain head, and the named ballots of
 * open votes. Drafts and cancelled votes are left out.
 */
import type { PassRule, QuorumRule, VoteResult } from '../../../common/protocol/voting';
import type { Db } from '../store/database';
import { chainHead } from './chain';

export interface VoteReport {
  id: string;
  question: string;
  agendaItem: string | null;
  secret: boolean;
  quorum: QuorumRule;
  passRule: PassRule;
  openedAt: string | null;
  closedAt: string | null;
  result: VoteResult;
  /** Open (named) ballots: who chose what; null for secret ballots. */
  ballots: { name: string; choices: string[]; recordedBy: string | null }[] | null;
}

export interface MeetingVotesReport {
  meetingId: string;
  title: string;
  startsAt: string;
  votes: VoteReport[];
  chainHead: string;
}

export async function meetingVotesReport(db: Db, meetingId: string): Promise<MeetingVotesReport> {
  const meeting = await db.selectFrom('meetings').select(['title', 'starts_at']).where('id', '=', meetingId).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('votes').leftJoin('agenda_items', 'agenda_items.id', 'votes.agenda_item_id').selectAll('votes').select(['agenda_items.title as agenda_title', 'agenda_items.position as agenda_position']).where('votes.meeting_id', '=', meetingId).where('votes.status', '=', 'closed').orderBy('votes.opened_at').orderBy('votes.id').execute();
  const names = new Map<string, string>();
  const votes: VoteReport[] = [];
  for (const r of rows) {
    const options = new Map((JSON.parse(r.options) as { id: string; label: string }[]).map((o) => [o.id, o.label]));
    let ballots: VoteReport['ballots'] = null;
    if (!r.secret) {
      const voters = await db.selectFrom('vote_voters').innerJoin('accounts', 'accounts.id', 'vote_voters.account_id').select(['accounts.display_name', 'vote_voters.choices', 'vote_voters.recorded_by']).where('vote_id', '=', r.id).execute();
      ballots = [];
      for (const v of voters) {
        let recorder: string | null = null;
        if (v.recorded_by) {
          if (!names.has(v.recorded_by)) names.set(v.recorded_by, (await db.selectFrom('accounts').select('display_name').where('id', '=', v.recorded_by).executeTakeFirst())?.display_name ?? '');
          recorder = names.get(v.recorded_by) ?? null;
        }
        ballots.push({ name: v.display_name, choices: (JSON.parse(v.choices ?? '[]') as string[]).map((c) => options.get(c) ?? c), recordedBy: recorder });
      }
      ballots.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    }
    votes.push({
      id: r.id,
      question: r.question,
      agendaItem: r.agenda_title ? `${r.agenda_position}. ${r.agenda_title}` : null,
      secret: r.secret === 1,
      quorum: r.quorum as QuorumRule,
      passRule: r.pass_rule as PassRule,
      openedAt: r.opened_at,
      closedAt: r.closed_at,
      result: JSON.parse(r.result!) as VoteResult,
      ballots,
    });
  }
  return { meetingId, title: meeting.title, startsAt: meeting.starts_at, votes, chainHead: await chainHead(db, meetingId) };
}
