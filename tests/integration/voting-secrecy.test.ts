/**
 * Secret ballots on the stored rows, on SQLite and PostgreSQL: who voted is kept apart from the
 * anonymous counts, with nothing that links a voter to a choice — no choice, time or order in the
 * voters' rows, no per-ballot trace in the counters, no choice in the hash chain — and the whole
 * stored state is the same whichever voter made which choice.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../support/use-postgres';
import { ENGINES, openTestServices, type Engine, type TestServices } from '../support/stores';
import { insertLiveMeeting, votingOver } from '../support/voting-store';

const pg = usePostgres();

describe.each(ENGINES)('secret ballots on %s', (engine: Engine) => {
  let s: TestServices;
  beforeAll(async () => {
    s = await openTestServices(engine, pg.current);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Runs one secret vote: voters cast in the same order, choices[i] for voters[i]. */
  async function run(choices: string[]) {
    const m = await insertLiveMeeting(s.db, choices.length);
    const voting = votingOver(s.db, engine === 'postgres');
    const v = await voting.create(m.chair, m.meetingId, { question: 'Bầu bí mật', agendaItemId: null, options: ['Ứng viên A', 'Ứng viên B', 'Ứng viên C'], maxChoices: 1, secret: true, durationSeconds: null, voterIds: m.voters.map((x) => x.accountId), quorum: 'majority', passRule: 'majority_cast' });
    await voting.open(m.chair, v.vote.id);
    for (const [i, voter] of m.voters.entries()) await voting.cast(voter, v.vote.id, [choices[i]!]);
    return { ...m, voteId: v.vote.id, voting };
  }

  /** What the store holds about one vote, with that vote's and its voters' own ids replaced by their position. */
  async function stored(voteId: string, voterIds: string[]) {
    const anon = (text: string) => voterIds.reduce((t, id, i) => t.split(id).join(`voter${i}`), text.split(voteId).join('VOTE'));
    const voters = await s.db.selectFrom('vote_voters').selectAll().where('vote_id', '=', voteId).execute();
    const tallies = await s.db.selectFrom('vote_tallies').selectAll().where('vote_id', '=', voteId).orderBy('option_id').execute();
    const chain = (await s.db.selectFrom('vote_chain').select('event').orderBy('seq').execute()).map((r) => JSON.parse(r.event)).filter((e) => e.voteId === voteId && e.type === 'ballot');
    return {
      voters: voters.map((r) => anon(JSON.stringify(r))).sort(),
      tallies: tallies.map((r) => anon(JSON.stringify({ ...r, count: Number(r.count) }))),
      chain: chain.map((e) => anon(JSON.stringify(e))),
    };
  }

  it('voters rows hold no choice, time or order; counters and chain hold no voter', async () => {
    const r = await run(['p1', 'p2', 'p2', 'p3', 'p1']);
    const voters = await s.db.selectFrom('vote_voters').selectAll().where('vote_id', '=', r.voteId).execute();
    expect(voters).toHaveLength(5);
    for (const row of voters) {
      expect(Object.keys(row).sort()).toEqual(['account_id', 'choices', 'recorded_by', 'vote_id']);
      expect(row.choices).toBeNull();
      expect(row.recorded_by).toBeNull();
    }
    const tallies = await s.db.selectFrom('vote_tallies').selectAll().where('vote_id', '=', r.voteId).execute();
    for (const row of tallies) expect(Object.keys(row).sort()).toEqual(['count', 'option_id', 'vote_id']);
    expect(Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)]))).toEqual({ p1: 2, p2: 2, p3: 1 });
    const ballots = (await s.db.selectFrom('vote_chain').select('event').execute()).map((e) => JSON.parse(e.event)).filter((e) => e.voteId === r.voteId && e.type === 'ballot');
    expect(ballots).toHaveLength(5);
    for (const e of ballots) expect(Object.keys(e).sort()).toEqual(['recordedBy', 'type', 'voteId', 'voterId']);
    // Nothing in the audit log about ballots either.
    const audits = await s.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', r.voteId).execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['vote.create', 'vote.open']);

    if (engine === 'sqlite') {
      // No rowid: the physical order of rows is the primary key's, not the order of casting.
      await expect(sql`select rowid from vote_voters`.execute(s.db)).rejects.toThrow(/rowid/);
      await expect(sql`select rowid from vote_tallies`.execute(s.db)).rejects.toThrow(/rowid/);
    } else {
      // Every counter row was last written by the same (the last) ballot's transaction: xmin tells nothing per ballot.
      const xmins = await sql<{ xmin: string }>`select xmin::text as xmin from vote_tallies where vote_id = ${r.voteId}`.execute(s.db);
      expect(new Set(xmins.rows.map((x) => x.xmin)).size).toBe(1);
    }
  });

  it('the stored state is the same whichever voter chose what', async () => {
    const a = await run(['p1', 'p2', 'p3', 'p1']);
    const b = await run(['p3', 'p1', 'p1', 'p2']);
    const sa = await stored(a.voteId, a.voters.map((v) => v.accountId));
    const sb = await stored(b.voteId, b.voters.map((v) => v.accountId));
    expect(sa).toEqual(sb);
    // …while an open (named) vote does record the choice with the voter, as it must.
    const m = await insertLiveMeeting(s.db, 1);
    const voting = votingOver(s.db, engine === 'postgres');
    const v = await voting.create(m.chair, m.meetingId, { question: 'Công khai', agendaItemId: null, options: null, maxChoices: 1, secret: false, durationSeconds: null, voterIds: null, quorum: 'none', passRule: 'majority_cast' });
    await voting.open(m.chair, v.vote.id);
    await voting.cast(m.voters[0]!, v.vote.id, ['khong-tan-thanh']);
    const row = await s.db.selectFrom('vote_voters').selectAll().where('vote_id', '=', v.vote.id).executeTakeFirstOrThrow();
    expect(row.choices).toBe('["khong-tan-thanh"]');
  });
});
