/**
 * Signaling on a congested link: the server drops a client only after a whole heartbeat period of
 * silence, and any frame counts as a sign of life (a pong stuck behind queued media must not cost a
 * point its place). A point that is dropped rejoins with the same identity.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
beforeAll(async () => {
  // HEARTBEAT_SECONDS=1 in test servers: a client silent for 1 s is dropped.
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A socket that never answers pings (a pong lost behind a saturated uplink), like `ws` with autoPong off. */
async function deafSocket(token: string): Promise<{ ws: WebSocket; closed: Promise<number>; request: (method: string, data: unknown) => Promise<any> }> {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${token}` }, autoPong: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  let nextId = 1;
  const request = (method: string, data: unknown) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (raw: WebSocket.RawData) => {
        const frame = JSON.parse(raw.toString()) as { id?: number; ok?: boolean; data?: unknown };
        if (frame.id !== id) return;
        ws.off('message', onMessage);
        if (frame.ok) resolve(frame.data);
        else reject(new Error(`${method}: ${JSON.stringify(frame)}`));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method, data }));
    });
  return { ws, closed, request };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('keeps a client whose pongs never come back as long as it sends frames, and drops one that is silent', async () => {
  const admin = await TestApi.admin(server.url);
  const point = await person(admin, 'operator', 'Điểm cầu Tà Xùa');
  const meeting = await liveMeeting(admin, [point]);
  const talking = await deafSocket(point.token);
  let dropped = false;
  void talking.closed.then(() => (dropped = true));
  await talking.request('join', { meetingId: meeting.id });
  // 3.5 heartbeat periods without a single pong, but a frame every 400 ms: still connected.
  for (let i = 0; i < 9; i++) {
    await sleep(400);
    await talking.request('media.ping', {});
  }
  expect(dropped).toBe(false);
  expect(talking.ws.readyState).toBe(WebSocket.OPEN);

  // Now silent as well: dropped after about one period (1 s), not before.
  const silentFrom = Date.now();
  await talking.closed;
  const after = Date.now() - silentFrom;
  expect(after).toBeGreaterThanOrEqual(900);
  expect(after).toBeLessThan(3000);
});

it('a dropped point rejoins with the same identity, and the others see the same point come back', async () => {
  const admin = await TestApi.admin(server.url);
  const point = await person(admin, 'operator', 'Điểm cầu Mường Lống');
  const meeting = await liveMeeting(admin, [point]);
  const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
  await chair.request('join', { meetingId: meeting.id });

  const first = await deafSocket(point.token);
  const joined = await first.request('join', { meetingId: meeting.id });
  const seen = await chair.waitFor(() => chair.notifications.find((n) => n.name === 'peerJoined' && (n.data as any).peer.id === joined.peerId));
  // The point goes silent (a cut line): the server drops it and the chair is told.
  await first.closed;
  await chair.waitFor(() => chair.notifications.find((n) => n.name === 'peerLeft' && (n.data as any).peerId === joined.peerId));

  const again = await TestSignalingClient.connect(server.url, point.token);
  const rejoined = await again.request('join', { meetingId: meeting.id });
  const { id: _a, joinedAt: _b, producers: _c, ...identity } = joined.self;
  expect(rejoined.self).toMatchObject(identity);
  expect(rejoined.self.pointName).not.toBe('');
  const back = await chair.waitFor(() => chair.notifications.find((n) => n.name === 'peerJoined' && (n.data as any).peer.id === rejoined.peerId));
  const { id: _d, joinedAt: _e, producers: _f, ...before } = (seen.data as any).peer;
  const { id: _g, joinedAt: _h, producers: _i, ...now } = (back.data as any).peer;
  expect(now).toEqual(before);
  // The chair's roll call counts it once.
  const status = await chair.request('points.status', {});
  expect(status.points.filter((p) => p.connected)).toHaveLength(1);
  again.close();
  chair.close();
});
