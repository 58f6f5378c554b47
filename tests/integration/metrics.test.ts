/**
 * Media figures for operators: GET /api/metrics (JSON, admins only) and GET /metrics (Prometheus
 * text: admins or the METRICS_TOKEN bearer), against a real server with a room in use.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MediaMetrics } from '../../common/api/metrics';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

const METRICS_TOKEN = 'prometheus-scraper-token-0123456789';
let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ MEDIASOUP_WORKERS: '2', METRICS_TOKEN });
});
afterAll(async () => {
  await server?.close();
});

it('gives admins per-worker and per-room figures, and nobody else', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'operator', 'Điểm cầu Đo');
  const b = await person(admin, 'delegate', 'Đại biểu Đếm');
  const meeting = await liveMeeting(admin, [a, b]);
  const clients = [await TestSignalingClient.connect(server.url, a.token), await TestSignalingClient.connect(server.url, b.token)];
  for (const c of clients) {
    await c.request('join', { meetingId: meeting.id });
    await c.request('createWebRtcTransport', { direction: 'send' });
    await c.request('createWebRtcTransport', { direction: 'recv' });
  }

  // Who may read.
  expect((await new TestApi(server.url).call('GET', '/api/metrics')).status).toBe(401);
  expect((await b.api.call('GET', '/api/metrics')).status).toBe(403);
  expect((await a.api.call('GET', '/metrics')).status).toBe(403);
  expect((await new TestApi(server.url, 'wrong-token-wrong-token-0000000').call('GET', '/metrics')).status).toBe(401);

  const snap = MediaMetrics.parse(await admin.ok('GET', '/api/metrics'));
  expect(snap.workers).toHaveLength(2);
  for (const w of snap.workers) {
    expect(w.alive).toBe(true);
    expect(w.pid).toBeGreaterThan(0);
    expect(w.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(w.maxRssBytes).toBeGreaterThan(0);
  }
  expect(snap.workers.reduce((n, w) => n + w.routers, 0)).toBe(1);
  const room = snap.rooms.find((r) => r.meetingId === meeting.id)!;
  expect(room).toMatchObject({ participants: 2, producers: { audio: 0, video: 0 }, consumers: 0, activeSpeaker: null });
  expect(room.workers).toHaveLength(1);
  expect(snap.process.pid).toBe(process.pid);
  // A second reading gives each worker's share of a core since the first.
  const again = MediaMetrics.parse(await admin.ok('GET', '/api/metrics'));
  for (const w of again.workers) expect(w.cpuRatio).not.toBeNull();

  // Prometheus text, for the scraper's token and for an admin.
  for (const api of [new TestApi(server.url, METRICS_TOKEN), admin]) {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(`phonghop_room_participants{room="${meeting.id}"} 2`);
    expect(text).toMatch(/phonghop_worker_up\{worker="0"\} 1/);
    expect(text).toMatch(/phonghop_worker_cpu_seconds\{worker="1"\} [\d.e-]+/);
    expect(text).toContain('phonghop_process_cpu_seconds_total');
  }
  for (const c of clients) c.close();
});
