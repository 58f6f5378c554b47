/**
 * The vote hash chain: every event is linked, results carry the head, `npm run verify-votes`
 * passes on an intact store, and changing any stored row (counter, voter, chain link, published
 * result) makes the verification fail.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalJson, GENESIS, linkHash } from '../../sfu-server/src/voting/chain';
import { verifyMeetingChain } from '../../sfu-server/src/voting/verify';
import { openTestServices, type TestServices } from '../support/stores';
import { insertLiveMeeting, votingOver } from '../support/voting-store';
import { enginePostgres, TEST_ENGINE } from '../support/test-engine';

const run = promisify(execFile);
let s: TestServices;
beforeAll(async () => {
  s = await openTestServices(TEST_ENGINE, await enginePostgres());
});
afterAll(async () => {
  await s?.close();
});

async function meetingWithVotes() {
  const m = await insertLiveMeeting(s.db, 3);
  const voting = votingOver(s.db, TEST_ENGINE === 'postgres');
  const def = { agendaItemId: null, options: null, maxChoices: 1, durationSeconds: null, voterIds: null, quorum: 'majority' as const, passRule: 'majority_eligible' as const };
  const open = await voting.create(m.chair, m.meetingId, { ...def, question: 'Công khai', secret: false });
  const secret = await voting.create(m.secretary, m.meetingId, { ...def, question: 'Kín', secret: true });
  const cancelled = await voting.create(m.chair, m.meetingId, { ...def, question: 'Bỏ', secret: false });
  for (const v of [open, secret]) {
    await voting.open(m.chair, v.vote.id);
    for (const [i, voter] of m.voters.entries()) await voting.cast(voter, v.vote.id, [i === 2 ? 'khong-tan-thanh' : 'tan-thanh']);
  }
  await voting.cancel(m.chair, cancelled.vote.id);
  const closedOpen = await voting.close(m.chair, open.vote.id);
  const closedSecret = await voting.close(m.chair, secret.vote.id);
  return { ...m, open: closedOpen, secret: closedSecret };
}

it('links every event with SHA-256 over the previous hash and the canonical JSON', async () => {
  expect(canonicalJson({ b: [1, { d: 'ệ', c: null }], a: true })).toBe('{"a":true,"b":[1,{"c":null,"d":"ệ"}]}');
  const m = await meetingWithVotes();
  const links = await s.db.selectFrom('vote_chain').selectAll().where('meeting_id', '=', m.meetingId).orderBy('seq').execute();
  // 3 created, 2 opened, 6 ballots, 1 cancelled, 2 closed, 2 results.
  expect(links.map((l) => JSON.parse(l.event).type)).toEqual(['created', 'created', 'created', 'opened', 'ballot', 'ballot', 'ballot', 'opened', 'ballot', 'ballot', 'ballot', 'cancelled', 'closed', 'result', 'closed', 'result']);
  expect(links[0]!.prev_hash).toBe(GENESIS);
  expect(links[1]!.hash).toBe(linkHash(links[0]!.hash, links[1]!.event));
  expect(m.secret.vote.result!.chainHead).toBe(links.at(-1)!.hash);
  expect(m.open.vote.result!.chainHead).toBe(links.at(-3)!.hash);
  expect(m.open.vote.result).toMatchObject({ eligible: 5, cast: 3, quorumMet: true, passed: false });
  const report = await verifyMeetingChain(s.db, m.meetingId);
  expect(report).toMatchObject({ ok: true, links: 16, votes: 3, problems: [], head: links.at(-1)!.hash });
});

it.each([
  ['a secret counter', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => s.db.updateTable('vote_tallies').set({ count: 3 }).where('vote_id', '=', m.secret.vote.id).where('option_id', '=', 'tan-thanh').execute()],
  ['an open ballot choice', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => s.db.updateTable('vote_voters').set({ choices: '["khong-tan-thanh"]' }).where('vote_id', '=', m.open.vote.id).where('account_id', '=', m.voters[0]!.accountId).execute()],
  ['a removed voter', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => s.db.deleteFrom('vote_voters').where('vote_id', '=', m.secret.vote.id).where('account_id', '=', m.voters[1]!.accountId).execute()],
  ['a chain event', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => {
    const link = await s.db.selectFrom('vote_chain').selectAll().where('meeting_id', '=', m.meetingId).where('seq', '=', 5).executeTakeFirstOrThrow();
    await s.db.updateTable('vote_chain').set({ event: link.event.replace('tan-thanh', 'khong-tan-thanh') }).where('meeting_id', '=', m.meetingId).where('seq', '=', 5).execute();
  }],
  ['a chain event rehashed without its successors', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => {
    const link = await s.db.selectFrom('vote_chain').selectAll().where('meeting_id', '=', m.meetingId).where('seq', '=', 5).executeTakeFirstOrThrow();
    const event = link.event.replace('"tan-thanh"', '"khong-bieu-quyet"');
    await s.db.updateTable('vote_chain').set({ event, hash: linkHash(link.prev_hash, event) }).where('meeting_id', '=', m.meetingId).where('seq', '=', 5).execute();
  }],
  ['a deleted link', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => s.db.deleteFrom('vote_chain').where('meeting_id', '=', m.meetingId).where('seq', '=', 6).execute()],
  ['a published result', async (m: Awaited<ReturnType<typeof meetingWithVotes>>) => {
    const result = { ...m.open.vote.result!, passed: true };
    await s.db.updateTable('votes').set({ result: JSON.stringify(result) }).where('id', '=', m.open.vote.id).execute();
  }],
])('fails when %s is changed in the store', async (_what, tamper) => {
  const m = await meetingWithVotes();
  expect((await verifyMeetingChain(s.db, m.meetingId)).ok).toBe(true);
  await tamper(m);
  const report = await verifyMeetingChain(s.db, m.meetingId);
  expect(report.ok).toBe(false);
  expect(report.problems.length).toBeGreaterThan(0);
});

it('npm run verify-votes prints the head and exits 0, and exits 1 after tampering', async () => {
  const m = await meetingWithVotes();
  const env = { ...process.env, DATA_DIR: s.options.dataDir, ...(s.options.databaseUrl ? { DATABASE_URL: s.options.databaseUrl } : {}), LOG_LEVEL: 'silent' };
  const ok = await run(process.execPath, ['--import', 'tsx', 'sfu-server/src/cli/verify-votes.ts', m.meetingId], { env });
  expect(ok.stdout).toContain(`head ${m.secret.vote.result!.chainHead}`);
  expect(ok.stdout).toContain('OK: the vote chain is intact');
  await s.db.updateTable('vote_tallies').set({ count: 0 }).where('vote_id', '=', m.open.vote.id).where('option_id', '=', 'tan-thanh').execute();
  const failed = await run(process.execPath, ['--import', 'tsx', 'sfu-server/src/cli/verify-votes.ts', m.meetingId], { env }).catch((e: { code: number; stdout: string }) => e);
  expect((failed as { code: number }).code).toBe(1);
  expect((failed as { stdout: string }).stdout).toContain('FAILED');
}, 240_000);
