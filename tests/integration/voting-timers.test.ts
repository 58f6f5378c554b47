/** Server-side time limits: a vote closes at its limit, and votes that expired while the server was down close at start. */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyMeetingChain } from '../../sfu-server/src/voting/verify';
import { openTestServices, type TestServices } from '../support/stores';
import { insertLiveMeeting, votingOver } from '../support/voting-store';
import { enginePostgres, TEST_ENGINE } from '../support/test-engine';

let s: TestServices;
beforeAll(async () => {
  s = await openTestServices(TEST_ENGINE, await enginePostgres());
});
afterAll(async () => {
  await s?.close();
});

const def = { agendaItemId: null, options: null, maxChoices: 1, secret: false, voterIds: null, quorum: 'none' as const, passRule: 'majority_cast' as const };

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const statusOf = async (id: string) => (await s.db.selectFrom('votes').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

it('an open vote whose time ran out while the server was down is closed at start; others are re-armed', async () => {
  const m = await insertLiveMeeting(s.db, 2);
  const before = votingOver(s.db, TEST_ENGINE === 'postgres');
  const expired = await before.create(m.chair, m.meetingId, { ...def, question: 'Hết giờ khi máy chủ tắt', durationSeconds: 600 });
  const later = await before.create(m.chair, m.meetingId, { ...def, question: 'Còn giờ', durationSeconds: 600 });
  await before.open(m.chair, expired.vote.id);
  await before.open(m.chair, later.vote.id);
  await before.cast(m.voters[0]!, expired.vote.id, ['tan-thanh']);
  before.stop(); // the server goes down
  await s.db.updateTable('votes').set({ closes_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.vote.id).execute();
  await s.db.updateTable('votes').set({ closes_at: new Date(Date.now() + 1500).toISOString() }).where('id', '=', later.vote.id).execute();

  const after = votingOver(s.db, TEST_ENGINE === 'postgres');
  await after.start();
  await until(async () => (await statusOf(expired.vote.id)) === 'closed');
  expect(await statusOf(later.vote.id)).toBe('open');
  await until(async () => (await statusOf(later.vote.id)) === 'closed');
  const events = (await s.db.selectFrom('vote_chain').select('event').where('meeting_id', '=', m.meetingId).execute()).map((e) => JSON.parse(e.event));
  expect(events.filter((e) => e.type === 'closed').map((e) => [e.voteId, e.reason, e.by])).toEqual([
    [expired.vote.id, 'time', null],
    [later.vote.id, 'time', null],
  ]);
  const result = JSON.parse((await s.db.selectFrom('votes').select('result').where('id', '=', expired.vote.id).executeTakeFirstOrThrow()).result!);
  expect(result).toMatchObject({ cast: 1, eligible: 4 });
  expect((await verifyMeetingChain(s.db, m.meetingId)).ok).toBe(true);
  // A ballot after the time limit is refused, even before the timer has run.
  const third = await after.create(m.chair, m.meetingId, { ...def, question: 'Muộn', durationSeconds: 600 });
  await after.open(m.chair, third.vote.id);
  await s.db.updateTable('votes').set({ closes_at: new Date(Date.now() - 1).toISOString() }).where('id', '=', third.vote.id).execute();
  await expect(after.cast(m.voters[1]!, third.vote.id, ['tan-thanh'])).rejects.toMatchObject({ code: 'vote_not_open' });
  after.stop();
}, 30_000);

it('the meeting ending closes its open votes with what was cast', async () => {
  const m = await insertLiveMeeting(s.db, 1);
  const voting = votingOver(s.db, TEST_ENGINE === 'postgres');
  const v = await voting.create(m.chair, m.meetingId, { ...def, question: 'Đang mở khi kết thúc họp', durationSeconds: null });
  await voting.open(m.chair, v.vote.id);
  await voting.cast(m.voters[0]!, v.vote.id, ['khong-tan-thanh']);
  await voting.meetingEnded(m.meetingId);
  expect(await statusOf(v.vote.id)).toBe('closed');
  voting.stop();
});

/** Makes the next `times` updates of the votes table fail as PostgreSQL's shutdown does (57P01). */
class DatabaseGoesAway implements KyselyPlugin {
  constructor(public times: number) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.times > 0 && args.node.kind === 'UpdateQueryNode') {
      this.times--;
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    }
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

it('a vote whose time runs out while the database is away closes once it is back', async () => {
  const m = await insertLiveMeeting(s.db, 1);
  const plugin = new DatabaseGoesAway(0);
  const voting = votingOver(s.db.withPlugin(plugin), TEST_ENGINE === 'postgres');
  const v = await voting.create(m.chair, m.meetingId, { ...def, question: 'Hết giờ khi cơ sở dữ liệu khởi động lại', durationSeconds: 600 });
  await voting.open(m.chair, v.vote.id);
  plugin.times = 2; // the close at the time limit fails twice
  await s.db.updateTable('votes').set({ closes_at: new Date(Date.now() + 300).toISOString() }).where('id', '=', v.vote.id).execute();
  voting.stop();
  const again = votingOver(s.db.withPlugin(plugin), TEST_ENGINE === 'postgres');
  await again.start();
  await until(async () => (await statusOf(v.vote.id)) === 'closed', 15_000);
  expect(plugin.times).toBe(0);
  again.stop();
}, 30_000);
