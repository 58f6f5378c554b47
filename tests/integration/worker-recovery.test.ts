/**
 * A mediasoup worker dies under a room: the pool replaces it, the room's peers are sent back with
 * the non-final close code 4010 (their engines rejoin by themselves), and joining again makes the
 * room anew on a living worker.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ MEDIASOUP_WORKERS: '2' });
});
afterAll(async () => {
  await server?.close();
});

const closeCode = (c: TestSignalingClient) => new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));

it('sends the peers of a dead worker back to rejoin, and the room comes back on a living worker', { timeout: 60_000 }, async () => {
  const admin = await TestApi.admin(server.url);
  const points = [await person(admin, 'operator', 'Điểm cầu Sống'), await person(admin, 'operator', 'Điểm cầu Lại')];
  const meeting = await liveMeeting(admin, points);
  const clients: TestSignalingClient[] = [];
  for (const p of points) {
    const c = await TestSignalingClient.connect(server.url, p.token);
    await c.request('join', { meetingId: meeting.id });
    await c.request('createWebRtcTransport', { direction: 'recv' });
    clients.push(c);
  }
  const room = server.rooms.find(meeting.id)!;
  const slot = server.pool.workers[room.routers[0]!.workerIndex]!;
  const deadPid = slot.worker.pid;
  const codes = clients.map(closeCode);
  process.kill(deadPid, 'SIGKILL');
  expect(await Promise.all(codes)).toEqual([4010, 4010]);
  expect(room.closed).toBe(true);

  // The pool replaces the worker at the same index.
  for (let i = 0; i < 100 && (slot.worker.pid === deadPid || slot.worker.died); i++) await new Promise((r) => setTimeout(r, 50));
  expect(slot.worker.pid).not.toBe(deadPid);
  expect(server.pool.alive).toBe(2);

  // Rejoining works at once, as the same people, in a new room.
  const again: TestSignalingClient[] = [];
  for (const p of points) {
    const c = await TestSignalingClient.connect(server.url, p.token);
    const joined = await c.request('join', { meetingId: meeting.id });
    expect(joined.self.displayName).toMatch(/^Điểm cầu/);
    await c.request('createWebRtcTransport', { direction: 'recv' });
    again.push(c);
  }
  const fresh = server.rooms.find(meeting.id)!;
  expect(fresh).not.toBe(room);
  expect(fresh.peers.size).toBe(2);
  for (const c of again) c.close();
});
