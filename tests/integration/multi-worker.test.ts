/**
 * A session spread over two workers: with ROUTER_MAX_PEERS=1 two bridge points land on routers of
 * different workers, joined by pipeToRouter, and each receives the other's video over real
 * ICE + DTLS-SRTP (werift peers).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { connectWerift, weriftVideoParameters, type WeriftEndpoint } from '../support/werift-endpoint';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ MEDIASOUP_WORKERS: '2', ROUTER_MAX_PEERS: '1' });
});
afterAll(async () => {
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('spreads two peers over routers on two workers and they receive each other', { timeout: 90_000 }, async () => {
  const admin = await TestApi.admin(server.url);
  const points = [await person(admin, 'operator', 'Điểm cầu Một'), await person(admin, 'operator', 'Điểm cầu Hai')];
  const meeting = await liveMeeting(admin, points);
  const room = await server.rooms.get(meeting.id);

  const sides: { client: TestSignalingClient; send: WeriftEndpoint; recv: WeriftEndpoint; producerId: string }[] = [];
  for (const p of points) {
    const client = await TestSignalingClient.connect(server.url, p.token);
    await client.request('join', { meetingId: meeting.id });
    const sendT = await client.request('createWebRtcTransport', { direction: 'send' });
    const recvT = await client.request('createWebRtcTransport', { direction: 'recv' });
    const send = await connectWerift(client, sendT);
    const recv = await connectWerift(client, recvT);
    const { id: producerId } = await client.request('produce', { transportId: sendT.id, kind: 'video', source: 'webcam', rtpParameters: weriftVideoParameters(send) });
    sides.push({ client, send, recv, producerId });
  }
  // Two routers, on different workers.
  expect(room.routers).toHaveLength(2);
  expect(new Set(room.routers.map((r) => r.workerIndex)).size).toBe(2);
  expect(room.routers.map((r) => r.peers.size)).toEqual([1, 1]);

  for (const side of sides) {
    await side.client.request('ready', { rtpCapabilities: room.router.rtpCapabilities });
  }
  const consumerSsrc = new Map<TestSignalingClient, number>();
  for (const side of sides) {
    const note = await side.client.notification('newConsumer');
    consumerSsrc.set(side.client, note.rtpParameters.encodings[0].ssrc as number);
    await side.client.request('resumeConsumer', { consumerId: note.id });
  }

  await Promise.all(sides.map((s) => s.send.sendVideo(80, 10)));
  await sleep(500);
  for (const side of sides) {
    const got = side.recv.received.get(consumerSsrc.get(side.client)!) ?? 0;
    expect(got, 'video packets received across the pipe').toBeGreaterThanOrEqual(60);
  }

  // The metrics name both workers for this room.
  const metrics = await admin.ok('GET', '/api/metrics');
  const roomMetrics = metrics.rooms.find((r: { meetingId: string }) => r.meetingId === meeting.id);
  expect(roomMetrics.participants).toBe(2);
  expect([...roomMetrics.workers].sort()).toEqual([0, 1]);

  for (const side of sides) {
    await side.send.close();
    await side.recv.close();
    side.client.close();
  }
});
