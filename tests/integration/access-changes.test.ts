/**
 * Access changes reach open connections at once (sfu-server/src/access/): each kind of change is
 * made through the real HTTP API while stock y-websocket clients and signaling clients are
 * connected, and the connections that lost their rights are closed (or told) with a clear code,
 * while the others stay.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { person, TestApi, type Person } from '../support/api-client';
import { firstClose, stockClient, synced, type StockClient } from '../support/collab-client';
import { uploadFile } from '../support/documents';
import { makeSamplePdf } from '../support/sample-pdf';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
let admin: TestApi;
let secretary: Person, chair: Person, chair2: Person, d1: Person, d2: Person, d3: Person, op: Person;
let pdf: Uint8Array;
const open: { close(): void }[] = [];

function layer(name: string, who: Person): StockClient {
  const c = stockClient(server.url, name, who.token);
  open.push({ close: () => c.destroy() });
  return c;
}

async function signaling(who: Person): Promise<TestSignalingClient & { closed: Promise<{ code: number; reason: string }> }> {
  const c = await TestSignalingClient.connect(server.url, who.token);
  open.push(c);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return Object.assign(c, { closed });
}

/** A meeting with an agenda item, these delegates and points invited, published, its pack published; live if asked. */
async function meeting(delegates: Person[], pointIds: string[] = [], live = false) {
  const start = new Date(Date.now() + 60_000);
  const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp UBND tỉnh', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${m.id}/agenda`, { items: [{ title: 'Báo cáo kinh tế – xã hội', durationMinutes: 30 }] });
  await secretary.api.ok('PUT', `/api/meetings/${m.id}/invitations`, { delegateIds: delegates.map((d) => d.id), pointIds });
  await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'published' });
  await secretary.api.ok('POST', `/api/meetings/${m.id}/documents/publish`);
  if (live) await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'live' });
  return { id: m.id as string, itemId: withAgenda.agenda[0].id as string };
}

async function upload(m: { id: string; itemId: string }): Promise<string> {
  const res = await uploadFile(secretary.api, `/api/meetings/${m.id}/documents?agendaItemId=${m.itemId}`, pdf, 'Báo cáo.pdf');
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** After the change's re-checks are done and a moment for close frames: the client was not closed. */
async function stillOpen(...clients: StockClient[]): Promise<void> {
  await server.accessChanges.settled();
  await new Promise((r) => setTimeout(r, 150));
  for (const c of clients) expect(c.closes).toEqual([]);
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  chair = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  chair2 = await person(admin, 'chair', 'Phó chủ tịch Lê Văn Phó');
  d1 = await person(admin, 'delegate', 'Đại biểu Lê Văn An');
  d2 = await person(admin, 'delegate', 'Đại biểu Phạm Thị Bình');
  d3 = await person(admin, 'delegate', 'Đại biểu Hoàng Văn Cường');
  op = await person(admin, 'operator', 'Điểm cầu xã Cát');
  pdf = await makeSamplePdf({ pages: 1 });
}, 120_000);

afterAll(async () => {
  for (const c of open) c.close();
  await server?.close();
});

describe('access changes reach open connections', () => {
  it('marking a document confidential, then narrowing its readers, closes the layers of those who may no longer read it (4403)', async () => {
    const m = await meeting([d1, d2]);
    const docId = await upload(m);
    const a = layer(`doc/${docId}/shared`, d1);
    const b = layer(`doc/${docId}/shared`, d2);
    const bPrivate = layer(`doc/${docId}/private/${d2.id}`, d2);
    await Promise.all([synced(a), synced(b), synced(bPrivate)]);
    await secretary.api.ok('PATCH', `/api/documents/${docId}`, { confidential: true, allowedAccountIds: [d1.id, d2.id] });
    await stillOpen(a, b, bPrivate);
    await secretary.api.ok('PATCH', `/api/documents/${docId}`, { allowedAccountIds: [d1.id] });
    expect(await firstClose(b)).toEqual({ code: 4403, reason: 'access revoked' });
    expect(await firstClose(bPrivate)).toEqual({ code: 4403, reason: 'access revoked' });
    await stillOpen(a);
    // Confidential to the chair's role only: the delegate goes too.
    await secretary.api.ok('PATCH', `/api/documents/${docId}`, { allowedAccountIds: [], allowedRoles: ['chair'] });
    expect((await firstClose(a)).code).toBe(4403);
  });

  it('deleting a document closes its layers (4403)', async () => {
    const m = await meeting([d1]);
    const docId = await upload(m);
    const a = layer(`doc/${docId}/shared`, d1);
    const s = layer(`doc/${docId}/private/${secretary.id}`, secretary);
    await Promise.all([synced(a), synced(s)]);
    const res = await secretary.api.call('DELETE', `/api/documents/${docId}`);
    expect(res.status).toBe(204);
    expect((await firstClose(a)).code).toBe(4403);
    expect((await firstClose(s)).code).toBe(4403);
  });

  it('un-inviting a person closes their layers and stops the pushes of the meeting page (accessRevoked)', async () => {
    const m = await meeting([d1, d2]);
    const docId = await upload(m);
    const a = layer(`doc/${docId}/shared`, d1);
    const b = layer(`doc/${docId}/shared`, d2);
    await Promise.all([synced(a), synced(b)]);
    const page = await signaling(d2);
    await page.request('meeting.watch', { meetingId: m.id });
    await secretary.api.ok('PUT', `/api/meetings/${m.id}/invitations`, { delegateIds: [d1.id] });
    expect((await firstClose(b)).code).toBe(4403);
    expect(await page.notification('accessRevoked')).toEqual({ meetingId: m.id, reason: 'not_allowed' });
    expect(server.meetingWatch.watcherCount(m.id)).toBe(0);
    await stillOpen(a);
  });

  it("replacing the chair closes the former chair's minutes editor and moderator layer; the secretary's stay", async () => {
    const m = await meeting([d1]);
    const docId = await upload(m);
    const minutesChair = layer(`minutes/${m.id}`, chair);
    const minutesSecretary = layer(`minutes/${m.id}`, secretary);
    const shared = layer(`doc/${docId}/shared`, chair);
    await Promise.all([synced(minutesChair), synced(minutesSecretary), synced(shared)]);
    await secretary.api.ok('PATCH', `/api/meetings/${m.id}`, { chairId: chair2.id });
    expect(await firstClose(minutesChair)).toEqual({ code: 4403, reason: 'access revoked' });
    expect((await firstClose(shared)).code).toBe(4403);
    await stillOpen(minutesSecretary);
    // The new chair may open the editor.
    const minutesChair2 = layer(`minutes/${m.id}`, chair2);
    await synced(minutesChair2);
  });

  it("changing an account's role makes its connections reconnect with the new rights (4409); moving an operator to a point not invited takes it out of the room (accessRevoked, 4006)", async () => {
    const point = (await op.api.ok('GET', '/api/auth/me')).bridgePointId as string;
    const m = await meeting([d3], [point], true);
    const docId = await upload(m);
    const d3Room = await signaling(d3);
    await d3Room.request('join', { meetingId: m.id });
    const opRoom = await signaling(op);
    await opRoom.request('join', { meetingId: m.id });
    const d3Layer = layer(`doc/${docId}/shared`, d3);
    await synced(d3Layer);
    expect(server.rooms.find(m.id)?.peers.size).toBe(2);

    await admin.ok('PATCH', `/api/accounts/${d3.id}`, { role: 'guest' });
    expect(await d3Room.closed).toEqual({ code: 4409, reason: 'access changed' });
    expect(await firstClose(d3Layer)).toEqual({ code: 4409, reason: 'access changed' });
    // Back with the new role: still invited, it joins again as a guest.
    const again = await signaling(d3);
    const joined = await again.request('join', { meetingId: m.id });
    expect(joined.self.role).toBe('guest');

    const unit = await admin.ok('POST', '/api/units', { name: 'UBND xã Khác', level: 'commune', parentId: null });
    const elsewhere = await admin.ok('POST', '/api/bridge-points', { unitId: unit.id, name: 'Phòng họp xã Khác', headcount: 10 });
    await admin.ok('PATCH', `/api/accounts/${op.id}`, { bridgePointId: elsewhere.id });
    expect(await opRoom.notification('accessRevoked')).toEqual({ meetingId: m.id, reason: 'not_allowed' });
    expect(await opRoom.closed).toEqual({ code: 4006, reason: 'access revoked' });
    await new Promise((r) => setTimeout(r, 100));
    expect([...(server.rooms.find(m.id)?.peers.values() ?? [])].map((p) => p.identity.accountId)).toEqual([d3.id]);
  });

  it('disabling an account closes its signaling and collaboration connections (4003)', async () => {
    const m = await meeting([d1], [], true);
    const docId = await upload(m);
    const room = await signaling(d1);
    await room.request('join', { meetingId: m.id });
    const a = layer(`doc/${docId}/shared`, d1);
    await synced(a);
    await admin.ok('PATCH', `/api/accounts/${d1.id}`, { disabled: true });
    expect((await room.closed).code).toBe(4003);
    expect((await firstClose(a)).code).toBe(4003);
  });

  it('a WebSocket client is not refused later for a change that does not concern it', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${d2.token}` } });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    await admin.ok('PATCH', `/api/accounts/${d3.id}`, { displayName: 'Đại biểu Hoàng Văn Cường (mới)' });
    await server.accessChanges.settled();
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
