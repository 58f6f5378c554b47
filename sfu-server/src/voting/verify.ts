/**
 * Verifies a meeting's vote chain: every link's hash is recomputed from the previous hash and the
 * event's canonical JSON, and the chain is checked against the stored votes — who voted, the
 * choices of open ballots, the counters, the published results and the chain heads they carry.
 * Any row changed behind the service's back makes it fail.
 */
import type { VoteResult } from '../../../common/protocol/voting';
import type { Db } from '../store/database';
import { canonicalJson, GENESIS, linkHash, type Json } from './chain';

export interface ChainReport {
  meetingId: string;
  ok: boolean;
  links: number;
  head: string;
  votes: number;
  problems: string[];
}

type Event = { type: string; voteId: string; [k: string]: Json };

export async function verifyMeetingChain(db: Db, meetingId: string): Promise<ChainReport> {
  const problems: string[] = [];
  const links = await db.selectFrom('vote_chain').selectAll().where('meeting_id', '=', meetingId).orderBy('seq').execute();
  let prev = GENESIS;
  const events: (Event & { hash: string })[] = [];
  for (const [i, link] of links.entries()) {
    const seq = Number(link.seq);
    if (seq !== i + 1) problems.push(`link ${i + 1}: sequence number ${seq} (a link is missing or inserted)`);
    if (link.prev_hash !== prev) problems.push(`link ${seq}: previous hash does not match link ${seq - 1}`);
    if (linkHash(link.prev_hash, link.event) !== link.hash) problems.push(`link ${seq}: hash does not match its content`);
    let event: Event;
    try {
      event = JSON.parse(link.event) as Event;
      if (canonicalJson(event) !== link.event) problems.push(`link ${seq}: event is not in canonical form`);
    } catch {
      problems.push(`link ${seq}: event is not JSON`);
      prev = link.hash;
      continue;
    }
    events.push({ ...event, hash: link.hash });
    prev = link.hash;
  }

  const votes = await db.selectFrom('votes').selectAll().where('meeting_id', '=', meetingId).execute();
  for (const vote of votes) {
    const mine = events.filter((e) => e.voteId === vote.id);
    const name = `vote ${vote.id}`;
    if (!mine.some((e) => e.type === 'created')) problems.push(`${name}: no 'created' event`);
    const opened = mine.find((e) => e.type === 'opened');
    if (vote.status !== 'draft' && vote.eligible_ids !== null && !opened) problems.push(`${name}: no 'opened' event`);
    if (opened && canonicalJson(opened['eligible'] as Json) !== canonicalJson(JSON.parse(vote.eligible_ids ?? 'null') as Json)) problems.push(`${name}: the eligible voters differ from the chain`);
    const ballots = mine.filter((e) => e.type === 'ballot');
    const voters = await db.selectFrom('vote_voters').selectAll().where('vote_id', '=', vote.id).execute();
    const chained = new Map(ballots.map((b) => [String(b['voterId']), b]));
    if (chained.size !== ballots.length) problems.push(`${name}: a voter has more than one ballot in the chain`);
    for (const v of voters) {
      const b = chained.get(v.account_id);
      if (!b) problems.push(`${name}: voter ${v.account_id} is stored but not in the chain`);
      else if (vote.secret === 0 && canonicalJson((b['choices'] ?? null) as Json) !== canonicalJson(JSON.parse(v.choices ?? 'null') as Json)) problems.push(`${name}: the choices of ${v.account_id} differ from the chain`);
      else if (vote.secret === 1 && v.choices !== null) problems.push(`${name}: a secret ballot row holds a choice`);
    }
    for (const id of chained.keys()) if (!voters.some((v) => v.account_id === id)) problems.push(`${name}: voter ${id} is in the chain but not stored`);
    const tallies = await db.selectFrom('vote_tallies').select(['option_id', 'count']).where('vote_id', '=', vote.id).execute();
    const counts = Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)]));
    if (vote.secret === 0 && tallies.length) {
      const fromChain: Record<string, number> = Object.fromEntries(tallies.map((t) => [t.option_id, 0]));
      for (const b of ballots) for (const c of (b['choices'] as string[]) ?? []) fromChain[c] = (fromChain[c] ?? 0) + 1;
      if (canonicalJson(fromChain) !== canonicalJson(counts)) problems.push(`${name}: the counters differ from the ballots in the chain`);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (vote.secret === 1 && (total < ballots.length || total > ballots.length * vote.max_choices)) problems.push(`${name}: the counters do not fit the number of ballots`);
    const result = mine.find((e) => e.type === 'result');
    if (vote.status === 'closed') {
      if (!result) problems.push(`${name}: closed without a 'result' event`);
      else {
        if (canonicalJson(result['counts'] as Json) !== canonicalJson(counts)) problems.push(`${name}: the counters differ from the result in the chain`);
        if (Number(result['cast']) !== voters.length) problems.push(`${name}: the number of ballots differs from the result in the chain`);
        const published = vote.result ? (JSON.parse(vote.result) as VoteResult) : null;
        if (!published) problems.push(`${name}: no published result`);
        else {
          if (published.chainHead !== result.hash) problems.push(`${name}: the published result's chain head is not the chain's`);
          const pubCounts = Object.fromEntries(published.options.map((o) => [o.id, o.count]));
          if (canonicalJson(pubCounts) !== canonicalJson(counts) || published.cast !== voters.length || published.passed !== result['passed'] || published.quorumMet !== result['quorumMet']) {
            problems.push(`${name}: the published result differs from the chain`);
          }
        }
      }
    } else if (result) problems.push(`${name}: a result in the chain but the vote is ${vote.status}`);
    if (vote.status === 'cancelled' && !mine.some((e) => e.type === 'cancelled')) problems.push(`${name}: cancelled without a 'cancelled' event`);
  }
  for (const e of events) if (!votes.some((v) => v.id === e.voteId)) problems.push(`event for vote ${e.voteId}, which is not stored`);
  return { meetingId, ok: problems.length === 0, links: links.length, head: prev, votes: votes.length, problems };
}
