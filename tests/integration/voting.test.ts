/** Votes through the real server: open, ballots, live progress, results to all, timers, late joiners. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { errorCode, joinAll, votingMeeting } from '../support/voting';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it('an open vote: three delegates vote, everyone sees progress and the result with who voted what', async () => {
  const { meeting, delegates } = await votingMeeting(server.url, 3);
  const [chair, ...ds] = await joinAll(server.url, meeting.id, [meeting.chair, ...delegates]);
  const created = await chair!.request('vote.create', { question: 'Thông qua dự thảo kế hoạch năm 2027?', durationSeconds: null });
  expect(created.vote).toMatchObject({ status: 'draft', custom: false, eligibleCount: 5, options: [{ id: 'tan-thanh', label: 'Tán thành' }, { id: 'khong-tan-thanh' }, { id: 'khong-bieu-quyet' }] });
  // Delegates do not see drafts.
  expect((await ds[0]!.request('vote.state', {})).votes).toHaveLength(0);
  const opened = await chair!.request('vote.open', { voteId: created.vote.id });
  expect(opened.vote.status).toBe('open');
  const pushed = await ds[0]!.notification('voteUpdated', (d) => d.vote.id === created.vote.id && d.vote.status === 'open');
  expect(pushed.me).toEqual({ eligible: true, voted: false, canManage: false });
  const choices = ['tan-thanh', 'tan-thanh', 'khong-tan-thanh'];
  for (const [i, c] of ds.entries()) {
    const ack = await c.request('vote.cast', { voteId: created.vote.id, choices: [choices[i]!] });
    expect(ack.castCount).toBe(i + 1);
    expect(ack.chainHead).toMatch(/^[0-9a-f]{64}$/);
  }
  const progress = await chair!.notification('voteProgress', (d) => d.castCount === 3);
  expect(progress.tally).toEqual({ 'tan-thanh': 2, 'khong-tan-thanh': 1, 'khong-bieu-quyet': 0 });
  // Named ballots arrive with the progress announcements (grouped at most every 100 ms).
  const named = chair!.notifications.filter((n) => n.name === 'voteProgress').flatMap((n) => (n.data as { ballots: { accountId: string; choices: string[] }[] }).ballots);
  expect(named.map((b) => [b.accountId, b.choices[0]]).sort()).toEqual(delegates.map((d, i) => [d.id, choices[i]]).sort());
  await chair!.request('vote.close', { voteId: created.vote.id });
  for (const c of [chair!, ...ds]) {
    const closed = await c.notification('voteUpdated', (d) => d.vote.status === 'closed');
    // 5 eligible (3 delegates, chair, secretary), 3 cast: quorum met; 2 for is not more than half of 5.
    expect(closed.vote.result).toMatchObject({ eligible: 5, cast: 3, quorumMet: true, passed: false });
    expect(closed.vote.result.options[0]).toMatchObject({ id: 'tan-thanh', count: 2, percentOfCast: 66.7, percentOfEligible: 40 });
    expect(closed.vote.result.chainHead).toMatch(/^[0-9a-f]{64}$/);
  }
  const state = await ds[1]!.request('vote.state', {});
  expect(state.votes[0]!.ballots!.map((b) => b.choices[0]).sort()).toEqual(['khong-tan-thanh', 'tan-thanh', 'tan-thanh']);
  expect(state.votes[0]!.me).toEqual({ eligible: true, voted: true, canManage: false });
  for (const c of [chair!, ...ds]) c.close();
});

it('a secret vote shows only how many voted until it closes; double and late ballots are refused', async () => {
  const { meeting, delegates } = await votingMeeting(server.url, 2);
  const [chair, a, b] = await joinAll(server.url, meeting.id, [meeting.chair, ...delegates]);
  const v = await chair!.request('vote.create', { question: 'Bầu Trưởng ban', options: ['Ông A', 'Bà B', 'Ông C'], maxChoices: 2, secret: true, passRule: 'majority_cast', quorum: 'none', voterIds: delegates.map((d) => d.id), durationSeconds: null });
  await chair!.request('vote.open', { voteId: v.vote.id });
  expect(await errorCode(a!, 'vote.cast', { voteId: v.vote.id, choices: ['p1', 'p2', 'p3'] })).toBe('bad_request');
  expect(await errorCode(a!, 'vote.cast', { voteId: v.vote.id, choices: ['nope'] })).toBe('bad_request');
  await a!.request('vote.cast', { voteId: v.vote.id, choices: ['p1', 'p2'] });
  expect(await errorCode(a!, 'vote.cast', { voteId: v.vote.id, choices: ['p3'] })).toBe('already_voted');
  // The chair is not on this vote's list.
  expect(await errorCode(chair!, 'vote.cast', { voteId: v.vote.id, choices: ['p3'] })).toBe('forbidden');
  const progress = await b!.notification('voteProgress', (d) => d.voteId === v.vote.id);
  expect(progress).toEqual({ voteId: v.vote.id, castCount: 1, tally: null, ballots: [] });
  const mid = await b!.request('vote.state', {});
  expect(mid.votes[0]!.vote).toMatchObject({ castCount: 1, eligibleCount: 2, tally: null, result: null });
  expect(mid.votes[0]!.ballots).toBeNull();
  await chair!.request('vote.close', { voteId: v.vote.id });
  expect(await errorCode(b!, 'vote.cast', { voteId: v.vote.id, choices: ['p3'] })).toBe('vote_not_open');
  const closed = await b!.notification('voteUpdated', (d) => d.vote.status === 'closed');
  expect(closed.vote.tally).toEqual({ p1: 1, p2: 1, p3: 0 });
  expect(closed.vote.result).toMatchObject({ cast: 1, passed: true });
  for (const c of [chair!, a!, b!]) c.close();
});

it('closes by itself at the time limit, and a late joiner gets the open vote and can vote', async () => {
  const { meeting, delegates } = await votingMeeting(server.url, 2);
  const [chair, a] = await joinAll(server.url, meeting.id, [meeting.chair, delegates[0]!]);
  const v = await chair!.request('vote.create', { question: 'Biểu quyết có giới hạn thời gian', durationSeconds: 10 });
  await chair!.request('vote.open', { voteId: v.vote.id });
  const late = await TestSignalingClient.connect(server.url, delegates[1]!.token);
  await late.request('join', { meetingId: meeting.id });
  const state = await late.request('vote.state', {});
  expect(state.votes[0]).toMatchObject({ vote: { id: v.vote.id, status: 'open' }, me: { eligible: true, voted: false } });
  expect(state.present).toBe(3);
  await late.request('vote.cast', { voteId: v.vote.id, choices: ['khong-bieu-quyet'] });
  const closed = await a!.waitFor(() => a!.notifications.find((n) => n.name === "voteUpdated" && (n.data as { vote: { status: string } }).vote.status === "closed")?.data as any, 15_000);
  expect(closed.vote.result).toMatchObject({ cast: 1, eligible: 4, quorumMet: false, passed: false });
  for (const c of [chair!, a!, late]) c.close();
}, 20_000);

it('a bridge-point operator records the ballot of a delegate of its unit who has no device', async () => {
  const { admin } = await votingMeeting(server.url, 0);
  const op = await person(admin, 'operator', 'Xã Tân Lập');
  const me = await op.api.ok('GET', '/api/auth/me');
  const point = (await admin.ok('GET', '/api/bridge-points')).find((p: { id: string }) => p.id === me.bridgePointId);
  const noDevice = await person(admin, 'delegate', 'Đại biểu không có máy', { unitId: point.unitId });
  const elsewhere = await person(admin, 'delegate', 'Đại biểu đơn vị khác');
  const m2 = await liveMeeting(admin, [op, noDevice, elsewhere]);
  const [chair, opc] = await joinAll(server.url, m2.id, [m2.chair, op]);
  const v = await chair!.request('vote.create', { question: 'Biểu quyết hộ', durationSeconds: null });
  await chair!.request('vote.open', { voteId: v.vote.id });
  const cands = await opc!.request('vote.proxyCandidates', { voteId: v.vote.id });
  expect(cands.candidates).toEqual([{ accountId: noDevice.id, displayName: 'Đại biểu không có máy', voted: false }]);
  expect(await errorCode(opc!, 'vote.cast', { voteId: v.vote.id, choices: ['tan-thanh'] })).toBe('forbidden');
  expect(await errorCode(opc!, 'vote.cast', { voteId: v.vote.id, choices: ['tan-thanh'], onBehalfOf: elsewhere.id })).toBe('forbidden');
  await opc!.request('vote.cast', { voteId: v.vote.id, choices: ['tan-thanh'], onBehalfOf: noDevice.id });
  expect(await errorCode(opc!, 'vote.cast', { voteId: v.vote.id, choices: ['tan-thanh'], onBehalfOf: noDevice.id })).toBe('already_voted');
  // Once the delegate joins with their own device, the operator may no longer vote for them.
  const own = await TestSignalingClient.connect(server.url, noDevice.token);
  await own.request('join', { meetingId: m2.id });
  expect((await opc!.request('vote.proxyCandidates', { voteId: v.vote.id })).candidates).toEqual([]);
  expect(await errorCode(own, 'vote.cast', { voteId: v.vote.id, choices: ['khong-tan-thanh'] })).toBe('already_voted');
  const state = await chair!.request('vote.state', {});
  expect(state.votes[0]!.ballots).toEqual([{ accountId: noDevice.id, displayName: 'Đại biểu không có máy', choices: ['tan-thanh'], recordedBy: op.id }]);
  for (const c of [chair!, opc!, own]) c.close();
});

it('"present" counts the eligible joined in the room and those the secretary marked present without a device', async () => {
  const { meeting, delegates } = await votingMeeting(server.url, 3);
  const [chair, secretary, joined] = await joinAll(server.url, meeting.id, [meeting.chair, meeting.secretary, delegates[0]!]);
  const present = async () => (await chair!.request('vote.state', {})).present;
  expect(await present()).toBe(3);
  await secretary!.request('attendance.mark', { accountId: delegates[1]!.id, present: true, bridgePointId: null });
  expect(await present()).toBe(4);
  await secretary!.request('attendance.mark', { accountId: delegates[1]!.id, present: false });
  expect(await present()).toBe(3);
  for (const c of [chair!, secretary!, joined!]) c.close();
});
