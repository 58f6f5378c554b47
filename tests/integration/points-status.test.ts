/**
 * points.status through the real server: every invited bridge point with its connection state;
 * organisers get picture and sound diagnostics, bridge points get the list only; outside a room
 * the method is refused.
 */
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

it('lists every invited point, who is connected, and diagnostics for organisers only', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'operator', 'Điểm cầu An Phú');
  const b = await person(admin, 'operator', 'Điểm cầu Bình Minh');
  const c = await person(admin, 'operator', 'Điểm cầu Cẩm Lệ');
  const delegate = await person(admin, 'delegate', 'Đại biểu Dũng');
  const meeting = await liveMeeting(admin, [a, b, c, delegate]);

  const outside = await TestSignalingClient.connect(server.url, a.token);
  expect(await outside.requestFrame('points.status', {})).toMatchObject({ ok: false, error: { code: 'not_joined' } });
  expect(await outside.requestFrame('points.status', { all: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  outside.close();

  const clientA = await TestSignalingClient.connect(server.url, a.token);
  const joinedA = await clientA.request('join', { meetingId: meeting.id });
  const clientB = await TestSignalingClient.connect(server.url, b.token);
  await clientB.request('join', { meetingId: meeting.id });
  const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
  await chair.request('join', { meetingId: meeting.id });
  const del = await TestSignalingClient.connect(server.url, delegate.token);
  await del.request('join', { meetingId: meeting.id });

  // The chair sees all three points (not the delegate, who is a person, nor the chair), with diagnostics.
  const forChair = await chair.request('points.status', {});
  expect(forChair.diagnostics).toBe(true);
  expect(forChair.counts).toEqual({ invited: 3, connected: 2, picture: 0, sound: 0 });
  expect(forChair.points.map((p) => [p.name, p.connected])).toEqual([
    ['Phòng họp Điểm cầu Cẩm Lệ', false],
    ['Phòng họp Điểm cầu An Phú', true],
    ['Phòng họp Điểm cầu Bình Minh', true],
  ]);
  const pointA = forChair.points.find((p) => p.name === 'Phòng họp Điểm cầu An Phú')!;
  expect(pointA).toMatchObject({ peerId: joinedA.peerId, unitName: 'UBND xã Điểm cầu An Phú', level: 'commune', headcount: 25, picture: 'missing', sound: 'missing' });
  expect(forChair.points[0]).toMatchObject({ connected: false, peerId: null, picture: null, sound: null });

  // A bridge point and a delegate see the list and who is connected, without diagnostics.
  for (const client of [clientB, del]) {
    const seen = await client.request('points.status', {});
    expect(seen.diagnostics).toBe(false);
    expect(seen.counts).toEqual({ invited: 3, connected: 2, picture: null, sound: null });
    expect(seen.points.every((p) => p.picture === null && p.sound === null)).toBe(true);
  }

  // A point that leaves is no longer connected.
  await clientB.request('leave', {});
  const after = await chair.request('points.status', {});
  expect(after.counts.connected).toBe(1);
  for (const client of [clientA, clientB, chair, del]) client.close();
});

it('pushes the roll call to whoever asked for it, each time it changes, without being asked again', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'operator', 'Điểm cầu Đông Hà');
  const b = await person(admin, 'operator', 'Điểm cầu Gio Linh');
  const meeting = await liveMeeting(admin, [a, b]);
  const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
  await chair.request('join', { meetingId: meeting.id });
  const first = await chair.request('points.status', {});
  expect(first.counts.connected).toBe(0);

  // A point joins: the chair is told, with diagnostics, and nothing is pushed twice for one state.
  const clientA = await TestSignalingClient.connect(server.url, a.token);
  const joinedA = await clientA.request('join', { meetingId: meeting.id });
  const pushed = await chair.notification('pointsStatus', (d) => d.counts.connected === 1);
  expect(pushed.diagnostics).toBe(true);
  expect(pushed.points.find((p: { peerId: string | null }) => p.peerId === joinedA.peerId)).toMatchObject({ connected: true, sound: 'missing' });
  // A point that did not ask is not pushed anything.
  expect(clientA.notifications.filter((n) => n.name === 'pointsStatus')).toEqual([]);

  // It leaves: pushed again.
  await clientA.request('leave', {});
  await chair.notification('pointsStatus', (d) => d.counts.connected === 0);
  const pushes = chair.notifications.filter((n) => n.name === 'pointsStatus').map((n) => JSON.stringify(n.data));
  expect(new Set(pushes).size).toBe(pushes.length);
  for (const client of [clientA, chair]) client.close();
});
