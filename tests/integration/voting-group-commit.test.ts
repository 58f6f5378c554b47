/**
 * Group commit of ballots, on SQLite and PostgreSQL: ballots of one meeting that arrive while a
 * commit is in flight are written together in one transaction, each with its own checks, outcome
 * and chain event; an acknowledgement comes only after its batch committed; a duplicate inside a
 * batch is refused alone; secret voters' rows of a batch are not in order of arrival.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../sfu-server/src/errors';
import { writeBallots } from '../../sfu-server/src/voting/ballots';
import { lockChain } from '../../sfu-server/src/voting/chain';
import { verifyMeetingChain } from '../../sfu-server/src/voting/verify';
import { usePostgres } from '../support/use-postgres';
import { ENGINES, openTestServices, type Engine, type TestServices } from '../support/stores';
import { insertLiveMeeting, votingOver } from '../support/voting-store';

const pg = usePostgres();
const DEF = { agendaItemId: null, options: null, maxChoices: 1, durationSeconds: null, voterIds: null, quorum: 'majority' as const, passRule: 'majority_cast' as const };
const codeOf = (err: unknown) => (err instanceof AppError ? err.code : String(err));

describe.each(ENGINES)('group commit of ballots on %s', (engine: Engine) => {
  let s: TestServices;
  beforeAll(async () => {
    s = await openTestServices(engine, pg.current);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function openVote(delegates: number, secret: boolean) {
    const m = await insertLiveMeeting(s.db, delegates);
    const voting = votingOver(s.db, engine === 'postgres');
    const v = await voting.create(m.chair, m.meetingId, { ...DEF, question: 'Nhóm phiếu', secret });
    await voting.open(m.chair, v.vote.id);
    return { ...m, voting, voteId: v.vote.id };
  }

  it.each([false, true])('40 ballots at once (secret: %s): batched, each acknowledged after its commit, all counted and chained', async (secret) => {
    const r = await openVote(40, secret);
    const choice = (i: number) => (i % 4 === 3 ? 'khong-tan-thanh' : 'tan-thanh');
    const seenAtAck: boolean[] = [];
    const acks = await Promise.all(
      r.voters.map((v, i) =>
        r.voting.cast(v, r.voteId, [choice(i)]).then(async (ack) => {
          // Read by another statement (another connection on PostgreSQL): the ballot is committed.
          const row = await s.db.selectFrom('vote_voters').select('account_id').where('vote_id', '=', r.voteId).where('account_id', '=', v.accountId).executeTakeFirst();
          seenAtAck.push(row !== undefined);
          return ack;
        }),
      ),
    );
    expect(seenAtAck).toEqual(r.voters.map(() => true));
    expect(Math.max(...r.voting.ballots.batchSizes)).toBeGreaterThan(1);
    expect(r.voting.ballots.batchSizes.reduce((a, b) => a + b, 0)).toBe(40);
    const tallies = await s.db.selectFrom('vote_tallies').select(['option_id', 'count']).where('vote_id', '=', r.voteId).execute();
    expect(Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)]))).toEqual({ 'tan-thanh': 30, 'khong-tan-thanh': 10, 'khong-bieu-quyet': 0 });
    // Each acknowledgement carries its own ballot's link; the chain holds 40 ballots, intact.
    const links = await s.db.selectFrom('vote_chain').select(['hash', 'event']).where('meeting_id', '=', r.meetingId).orderBy('seq').execute();
    const ballotLinks = links.filter((l) => JSON.parse(l.event).type === 'ballot');
    expect(ballotLinks).toHaveLength(40);
    for (const [i, ack] of acks.entries()) {
      const link = ballotLinks.find((l) => l.hash === ack.chainHead);
      expect(JSON.parse(link!.event).voterId).toBe(r.voters[i]!.accountId);
    }
    expect(Math.max(...acks.map((a) => a.castCount))).toBe(40);
    const closed = await r.voting.close(r.chair, r.voteId);
    expect(closed.vote.result).toMatchObject({ cast: 40, eligible: 42, quorumMet: true, passed: true });
    expect(await verifyMeetingChain(s.db, r.meetingId)).toMatchObject({ ok: true, problems: [] });
  });

  it('a second ballot of the same voter in the same batch is refused alone', async () => {
    const r = await openVote(5, false);
    const [a, b, c] = r.voters;
    const results = await Promise.allSettled([r.voting.cast(a!, r.voteId, ['tan-thanh']), r.voting.cast(b!, r.voteId, ['tan-thanh']), r.voting.cast(b!, r.voteId, ['khong-tan-thanh']), r.voting.cast(c!, r.voteId, ['khong-bieu-quyet'])]);
    // One of b's two wins (in order of arrival); the other is refused, the rest are not affected.
    const codes = results.map((x) => (x.status === 'fulfilled' ? 'ok' : codeOf(x.reason)));
    expect([codes[0], codes[3], [codes[1], codes[2]].sort()]).toEqual(['ok', 'ok', ['already_voted', 'ok']]);
    const won = codes[1] === 'ok' ? 'tan-thanh' : 'khong-tan-thanh';
    const stored = await s.db.selectFrom('vote_voters').select(['account_id', 'choices']).where('vote_id', '=', r.voteId).where('account_id', '=', b!.accountId).execute();
    expect(stored).toEqual([{ account_id: b!.accountId, choices: JSON.stringify([won]) }]);
  });

  it('checks each ballot inside the transaction: closed vote, time over, already voted, duplicate', async () => {
    const r = await openVote(5, true);
    const other = await r.voting.create(r.chair, r.meetingId, { ...DEF, question: 'Đã đóng', secret: false });
    await r.voting.open(r.chair, other.vote.id);
    await r.voting.cast(r.voters[3]!, r.voteId, ['tan-thanh']);
    await r.voting.close(r.chair, other.vote.id);
    const ballot = (voteId: string, i: number, choice = 'tan-thanh') => ({ voteId, voter: r.voters[i]!.accountId, recordedBy: null, choices: [choice] });
    // Voters in reverse id order, to see that secret rows are not stored in order of arrival.
    const order = [0, 1, 2].sort((x, y) => (r.voters[y]!.accountId < r.voters[x]!.accountId ? -1 : 1));
    const batch = [ballot(r.voteId, order[0]!, 'khong-tan-thanh'), ballot(other.vote.id, 0), ballot(r.voteId, order[1]!), ballot(r.voteId, 3), ballot(r.voteId, order[0]!), ballot(r.voteId, order[2]!, 'khong-bieu-quyet')];
    const written = await s.db.transaction().execute(async (tx) => {
      await lockChain(tx, r.meetingId, engine === 'postgres');
      return writeBallots(tx, r.meetingId, batch);
    });
    expect(written.outcomes.map((o) => (o.ok ? 'ok' : codeOf(o.error)))).toEqual(['ok', 'vote_not_open', 'ok', 'already_voted', 'already_voted', 'ok']);
    expect(written.castCounts.get(r.voteId)).toBe(4);
    const tallies = await s.db.selectFrom('vote_tallies').select(['option_id', 'count']).where('vote_id', '=', r.voteId).execute();
    expect(Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)]))).toEqual({ 'tan-thanh': 2, 'khong-tan-thanh': 1, 'khong-bieu-quyet': 1 });
    // The time limit passed while the ballot waited: refused in the transaction.
    await s.db.updateTable('votes').set({ closes_at: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', r.voteId).execute();
    const late = await s.db.transaction().execute(async (tx) => writeBallots(tx, r.meetingId, [ballot(r.voteId, 4)], Date.now() + 120_000));
    expect(late.outcomes.map((o) => (o.ok ? 'ok' : codeOf(o.error)))).toEqual(['vote_not_open']);
    if (engine === 'postgres') {
      // Physical order of the batch's voter rows: by account id, not by arrival.
      const rows = await sql<{ account_id: string }>`select account_id from vote_voters where vote_id = ${r.voteId} and account_id <> ${r.voters[3]!.accountId} order by ctid`.execute(s.db);
      const ids = rows.rows.map((x) => x.account_id);
      expect(ids).toEqual([...ids].sort());
      expect(ids).not.toEqual(order.map((i) => r.voters[i]!.accountId));
    }
  });
});
