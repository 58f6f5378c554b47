/**
 * Role × action over every vote and chat method: who may create, open, close, cancel, cast,
 * record for others, read and post; and the HTTP routes of preparing votes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

type Who = 'chair' | 'secretary' | 'delegate' | 'guest' | 'observer' | 'operator' | 'admin';
const WHO: Who[] = ['chair', 'secretary', 'delegate', 'guest', 'observer', 'operator', 'admin'];

let server: RunningServer;
let meetingId: string;
const people = {} as Record<Who, Person>;
const clients = {} as Record<Who, TestSignalingClient>;
let outsider: TestSignalingClient;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await TestApi.admin(server.url);
  const invitees = [await person(admin, 'delegate', 'Đại biểu'), await person(admin, 'guest', 'Khách mời'), await person(admin, 'observer', 'Quan sát viên'), await person(admin, 'operator', 'Điểm cầu xã')];
  const m = await liveMeeting(admin, invitees);
  meetingId = m.id;
  Object.assign(people, { chair: m.chair, secretary: m.secretary, delegate: invitees[0], guest: invitees[1], observer: invitees[2], operator: invitees[3], admin: { id: 'admin', username: 'admin', token: admin.token!, api: admin } });
  for (const w of WHO) {
    clients[w] = await TestSignalingClient.connect(server.url, people[w].token);
    await clients[w].request('join', { meetingId });
  }
  outsider = await TestSignalingClient.connect(server.url, (await person(admin, 'delegate', 'Không được mời')).token);
}, 120_000);
afterAll(async () => {
  for (const c of Object.values(clients)) c.close();
  outsider?.close();
  await server?.close();
});

async function outcome(who: Who | TestSignalingClient, method: string, data: unknown): Promise<string> {
  const c = typeof who === 'string' ? clients[who] : who;
  const frame = await c.requestFrame(method, data);
  return 'ok' in frame && frame.ok ? 'ok' : 'ok' in frame && !frame.ok ? frame.error.code : 'none';
}

async function draft(): Promise<string> {
  return (await clients.chair.request('vote.create', { question: 'Câu hỏi thử', durationSeconds: null })).vote.id;
}
async function opened(): Promise<string> {
  const id = await draft();
  await clients.chair.request('vote.open', { voteId: id });
  return id;
}

const ORGANISERS: Who[] = ['chair', 'secretary'];
const VOTERS: Who[] = ['chair', 'secretary', 'delegate'];

describe.each(WHO)('%s', (who) => {
  const expectFor = (allowed: Who[]) => (allowed.includes(who) ? 'ok' : 'forbidden');

  it('vote.state: everyone in the room', async () => {
    expect(await outcome(who, 'vote.state', {})).toBe('ok');
  });
  it('vote.create: organisers only', async () => {
    expect(await outcome(who, 'vote.create', { question: 'Ai tạo được?' })).toBe(expectFor(ORGANISERS));
  });
  it('vote.open: organisers only', async () => {
    expect(await outcome(who, 'vote.open', { voteId: await draft() })).toBe(expectFor(ORGANISERS));
  });
  it('vote.close: organisers only', async () => {
    expect(await outcome(who, 'vote.close', { voteId: await opened() })).toBe(expectFor(ORGANISERS));
  });
  it('vote.cancel: organisers only', async () => {
    expect(await outcome(who, 'vote.cancel', { voteId: await opened() })).toBe(expectFor(ORGANISERS));
  });
  it('vote.cast: delegates, the chair and the secretary; never guests, observers, operators, admins', async () => {
    expect(await outcome(who, 'vote.cast', { voteId: await opened(), choices: ['tan-thanh'] })).toBe(expectFor(VOTERS));
  });
  it('vote.cast for someone else: refused (only an operator for a delegate of its unit without a device)', async () => {
    const target = who === 'delegate' ? people.chair.id : people.delegate.id;
    expect(await outcome(who, 'vote.cast', { voteId: await opened(), choices: ['tan-thanh'], onBehalfOf: target })).toBe('forbidden');
  });
  it('vote.proxyCandidates: operators only', async () => {
    expect(await outcome(who, 'vote.proxyCandidates', { voteId: await opened() })).toBe(expectFor(['operator']));
  });
  it('chat.history: everyone in the room', async () => {
    expect(await outcome(who, 'chat.history', {})).toBe('ok');
  });
  it('chat.send to all: everyone but observers', async () => {
    expect(await outcome(who, 'chat.send', { to: 'all', body: `Xin chào từ ${who}` })).toBe(who === 'observer' ? 'forbidden' : 'ok');
  });
  it("chat.send into someone's private thread: the secretary only", async () => {
    const expected = who === 'secretary' ? 'ok' : who === 'observer' ? 'forbidden' : 'forbidden';
    expect(await outcome(who, 'chat.send', { to: people.delegate.id, body: 'Riêng' })).toBe(expected);
  });
});

describe('outside the room', () => {
  it('every vote and chat method needs a joined meeting', async () => {
    const id = await draft();
    for (const [method, data] of [
      ['vote.state', {}],
      ['vote.create', { question: 'x' }],
      ['vote.open', { voteId: id }],
      ['vote.close', { voteId: id }],
      ['vote.cancel', { voteId: id }],
      ['vote.cast', { voteId: id, choices: ['tan-thanh'] }],
      ['vote.proxyCandidates', { voteId: id }],
      ['chat.history', {}],
      ['chat.send', { to: 'all', body: 'x' }],
    ] as const) {
      expect(await outcome(outsider, method, data), method).toBe('not_joined');
    }
  });
  it('malformed data is refused with bad_request and changes nothing', async () => {
    expect(await outcome('chair', 'vote.create', { question: '' })).toBe('bad_request');
    expect(await outcome('chair', 'vote.create', { question: 'x', options: ['Một'] })).toBe('bad_request');
    expect(await outcome('chair', 'vote.create', { question: 'x', maxChoices: 2 })).toBe('bad_request');
    expect(await outcome('chair', 'vote.create', { question: 'x', options: ['A', 'a'] })).toBe('bad_request');
    expect(await outcome('chair', 'vote.cast', { voteId: 'not-a-uuid', choices: ['tan-thanh'] })).toBe('bad_request');
    expect(await outcome('delegate', 'chat.send', { to: 'all', body: 'x'.repeat(2001) })).toBe('bad_request');
    expect(await outcome('delegate', 'chat.send', { to: 'all', body: '   ' })).toBe('bad_request');
  });
});

describe('HTTP: preparing votes', () => {
  it('organisers list, create, change and cancel drafts; others cannot', async () => {
    const base = `/api/meetings/${meetingId}/votes`;
    for (const w of WHO) {
      const res = await people[w].api.call('POST', base, { question: `Chuẩn bị bởi ${w}`, secret: true });
      expect(res.status, w).toBe(ORGANISERS.includes(w) ? 201 : 403);
    }
    const draftEntry = await people.secretary.api.ok('POST', base, { question: 'Dự thảo', options: ['Phương án 1', 'Phương án 2'], maxChoices: 1 });
    for (const w of WHO) {
      const list = await people[w].api.call('GET', base);
      expect(list.status, w).toBe(200);
      const seesDraft = list.body.some((e: { vote: { id: string } }) => e.vote.id === draftEntry.vote.id);
      expect(seesDraft, w).toBe(ORGANISERS.includes(w));
      const put = await people[w].api.call('PUT', `/api/votes/${draftEntry.vote.id}`, { question: 'Sửa bởi ' + w });
      expect(put.status, w).toBe(ORGANISERS.includes(w) ? 200 : 403);
    }
    const open = await opened();
    expect((await people.chair.api.call('PUT', `/api/votes/${open}`, { question: 'Không được sửa khi đang mở' })).status).toBe(409);
    expect((await people.delegate.api.call('POST', `/api/votes/${draftEntry.vote.id}/cancel`)).status).toBe(403);
    expect((await people.chair.api.call('POST', `/api/votes/${draftEntry.vote.id}/cancel`)).body.vote.status).toBe('cancelled');
    expect((await people.chair.api.call('POST', `/api/votes/${draftEntry.vote.id}/cancel`)).status).toBe(409);
  });
  it('result exports: organisers and admins only', async () => {
    for (const w of WHO) {
      for (const format of ['csv', 'pdf']) {
        const res = await fetch(`${server.url}/api/meetings/${meetingId}/votes/results.${format}`, { headers: { authorization: `Bearer ${people[w].token}` } });
        expect(res.status, `${w} ${format}`).toBe([...ORGANISERS, 'admin'].includes(w) ? 200 : 403);
        if (res.status === 200) expect(res.headers.get('content-type')).toContain(format === 'csv' ? 'text/csv' : 'application/pdf');
      }
    }
  });
});
