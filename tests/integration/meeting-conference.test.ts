/** The conference follows the meeting: ending it closes the room and disconnects everyone. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it('ending a live meeting closes its room and disconnects every peer with code 4004', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'delegate', 'Đại biểu A');
  const b = await person(admin, 'operator', 'Điểm cầu B');
  const meeting = await liveMeeting(admin, [a, b]);
  const clients = [await TestSignalingClient.connect(server.url, a.token), await TestSignalingClient.connect(server.url, b.token)];
  for (const c of clients) await c.request('join', { meetingId: meeting.id });
  const closed = clients.map((c) => new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code))));
  await meeting.secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'ended' });
  expect(await Promise.all(closed)).toEqual([4004, 4004]);
  expect((await server.rooms.list()).some((r) => r.name === meeting.id)).toBe(false);
  // Coming back is refused: the meeting is over.
  const again = await TestSignalingClient.connect(server.url, a.token);
  const frame = await again.requestFrame('join', { meetingId: meeting.id });
  expect(frame).toMatchObject({ ok: false, error: { code: 'meeting_not_live' } });
  again.close();
});

it('a second connection of the same account replaces the first (code 4001)', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'operator', 'Điểm cầu hai thiết bị');
  const other = await person(admin, 'delegate', 'Người quan sát');
  const meeting = await liveMeeting(admin, [a, other]);
  const watcher = await TestSignalingClient.connect(server.url, other.token);
  await watcher.request('join', { meetingId: meeting.id });
  const first = await TestSignalingClient.connect(server.url, a.token);
  const firstJoin = await first.request('join', { meetingId: meeting.id });
  const firstClosed = new Promise<number>((resolve) => first.ws.once('close', (code) => resolve(code)));
  const second = await TestSignalingClient.connect(server.url, a.token);
  const secondJoin = await second.request('join', { meetingId: meeting.id });
  expect(await firstClosed).toBe(4001);
  await watcher.notification('peerLeft', (d) => d.peerId === firstJoin.peerId);
  const room = await server.rooms.get(meeting.id);
  expect([...room.peers.values()].filter((p) => p.identity.accountId === a.id).map((p) => p.id)).toEqual([secondJoin.peerId]);
  expect(secondJoin.self).toMatchObject({ displayName: 'Điểm cầu hai thiết bị', pointName: 'Phòng họp Điểm cầu hai thiết bị', unitName: 'UBND xã Điểm cầu hai thiết bị', level: 'commune', headcount: 25 });
  second.close();
  watcher.close();
});
