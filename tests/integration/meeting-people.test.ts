/**
 * The meeting names its people (chair, secretary, invited delegates) to whoever may see it, so the
 * meeting page shows names to delegates, guests and operators who may not read the account list.
 * Only those people and only their names; someone outside the meeting gets nothing (404).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { person, TestApi, type Person } from '../support/api-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let admin: TestApi;
let chair: Person, secretary: Person, delegate: Person, guest: Person, operator: Person, outsider: Person, notInvited: Person;
let meetingId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  chair = await person(admin, 'chair', 'Nguyễn Văn Chủ', { title: 'Chủ tịch UBND tỉnh' });
  secretary = await person(admin, 'secretary', 'Trần Thị Thư', { title: 'Chánh Văn phòng' });
  delegate = await person(admin, 'delegate', 'Lê Văn Đại');
  guest = await person(admin, 'guest', 'Phạm Khách');
  operator = await person(admin, 'operator', 'Ba Chẽ');
  outsider = await person(admin, 'delegate', 'Người Ngoài');
  notInvited = await person(admin, 'delegate', 'Không Được Mời');
  const start = new Date(Date.now() + 3600_000);
  const m = await secretary.api.ok('POST', '/api/meetings', {
    title: 'Họp giao ban',
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3600_000).toISOString(),
    chairId: chair.id,
    secretaryId: secretary.id,
  });
  meetingId = m.id;
  const me = await operator.api.ok('GET', '/api/auth/me');
  await secretary.api.ok('PUT', `/api/meetings/${meetingId}/invitations`, { pointIds: [me.bridgePointId], delegateIds: [delegate.id, guest.id] });
  await secretary.api.ok('POST', `/api/meetings/${meetingId}/transition`, { to: 'published' });
});

afterAll(async () => {
  await server?.close();
});

it('names the chair, the secretary and the invited delegates to every invitee, who cannot read the account list', async () => {
  for (const viewer of [delegate, guest, operator, chair]) {
    expect((await viewer.api.call('GET', '/api/accounts')).status).toBe(403);
    const meeting = await viewer.api.ok('GET', `/api/meetings/${meetingId}`);
    const byId = new Map(meeting.people.map((p: { id: string }) => [p.id, p]));
    expect(byId.get(chair.id)).toEqual({ id: chair.id, displayName: 'Nguyễn Văn Chủ', title: 'Chủ tịch UBND tỉnh' });
    expect(byId.get(secretary.id)).toEqual({ id: secretary.id, displayName: 'Trần Thị Thư', title: 'Chánh Văn phòng' });
    expect(byId.get(delegate.id)).toMatchObject({ displayName: 'Lê Văn Đại' });
    expect(byId.get(guest.id)).toMatchObject({ displayName: 'Phạm Khách' });
    // Nobody the meeting does not name (the account list stays private), and only names.
    expect([...byId.keys()].sort()).toEqual([chair.id, secretary.id, delegate.id, guest.id].sort());
    for (const p of meeting.people) expect(Object.keys(p).sort()).toEqual(['displayName', 'id', 'title']);
  }
});

it('gives someone outside the meeting nothing: not the meeting, not its people', async () => {
  for (const viewer of [outsider, notInvited]) {
    const res = await viewer.api.call('GET', `/api/meetings/${meetingId}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('Nguyễn Văn Chủ');
    expect(JSON.stringify(res.body)).not.toContain('Lê Văn Đại');
    expect(res.body.people).toBeUndefined();
  }
  const anonymous = await new TestApi(server.url).call('GET', `/api/meetings/${meetingId}`);
  expect(anonymous.status).toBe(401);
  expect(JSON.stringify(anonymous.body)).not.toContain('Trần Thị Thư');
});

it('follows the invitations: a delegate taken off the list is no longer named', async () => {
  await secretary.api.ok('PUT', `/api/meetings/${meetingId}/invitations`, { pointIds: [], delegateIds: [delegate.id] });
  const meeting = await delegate.api.ok('GET', `/api/meetings/${meetingId}`);
  expect(meeting.people.map((p: { id: string }) => p.id).sort()).toEqual([chair.id, secretary.id, delegate.id].sort());
  expect((await guest.api.call('GET', `/api/meetings/${meetingId}`)).status).toBe(404);
});
