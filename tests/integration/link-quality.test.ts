/**
 * Link quality through the real server: a point reports a poor link, the server confirms it over
 * two evaluations and tells the chair (`linkQuality`, poor since when), the points panel's status
 * carries it; reports are validated and rate-limited; only organisers see others' links; TURN
 * credentials are handed out when configured.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LinkReport, PeerLink } from '../../common/protocol';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

const TURN_SECRET = 'integration-turn-secret-0123456789';
let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ TURN_SECRET, TURN_URLS: 'turns:127.0.0.1:5349?transport=tcp,turn:127.0.0.1:3478', TURN_TTL_SECONDS: '600' });
});
afterAll(async () => {
  await server?.close();
});

const poor: LinkReport = { sendBars: 1, recvBars: 2, sendLossPercent: 7.5, recvLossPercent: 4, rttMs: 640, availableSendKbps: 180, fallback: 'reduced' };
const good: LinkReport = { sendBars: 4, recvBars: 4, sendLossPercent: 0, recvLossPercent: 0, rttMs: 20, availableSendKbps: 1500, fallback: 'none' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('tells the chair which point has a poor link and since when, and when it recovers', async () => {
  const admin = await TestApi.admin(server.url);
  const point = await person(admin, 'operator', 'Điểm cầu Tà Xùa');
  const other = await person(admin, 'operator', 'Điểm cầu Mù Cang Chải');
  const meeting = await liveMeeting(admin, [point, other]);
  const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
  await chair.request('join', { meetingId: meeting.id });
  expect(await chair.request('link.states', {})).toEqual({ links: [expect.objectContaining({ quality: 'good' })] });

  const weak = await TestSignalingClient.connect(server.url, point.token);
  const joined = await weak.request('join', { meetingId: meeting.id });
  const bystander = await TestSignalingClient.connect(server.url, other.token);
  await bystander.request('join', { meetingId: meeting.id });
  // Only organisers see the others' links.
  expect(await bystander.requestFrame('link.states', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  await bystander.request('link.report', good);

  // Hostile input is refused at the edge; reports come at most once a second.
  expect(await weak.requestFrame('link.report', { ...poor, sendBars: 7 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(await weak.requestFrame('link.report', { ...poor, extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  const before = Date.now();
  await weak.request('link.report', poor);
  expect(await weak.requestFrame('link.report', poor)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  await sleep(1100);
  await weak.request('link.report', poor);

  const told = (await chair.waitFor(() => chair.notifications.find((n) => n.name === 'linkQuality' && (n.data as PeerLink).peerId === joined.peerId && (n.data as PeerLink).quality === 'poor'))).data as PeerLink;
  expect(told).toMatchObject({ sendBars: 1, recvBars: 2, lossPercent: 7.5, rttMs: 640, fallback: 'reduced' });
  expect(told.since).toBeGreaterThanOrEqual(before);
  expect(told.since).toBeLessThanOrEqual(Date.now());
  // Nobody but organisers is told.
  expect(bystander.notifications.some((n) => n.name === 'linkQuality')).toBe(false);
  expect(weak.notifications.some((n) => n.name === 'linkQuality')).toBe(false);

  // The points panel's status says the same (organisers only).
  const status = await chair.request('points.status', {});
  const row = status.points.find((p) => p.peerId === joined.peerId)!;
  expect(row.link).toEqual({ quality: 'poor', since: told.since, fallback: 'reduced' });
  expect(status.points.find((p) => p.peerId !== joined.peerId && p.connected)!.link).toMatchObject({ quality: 'good' });
  expect((await bystander.request('points.status', {})).points.every((p) => p.link === null)).toBe(true);

  // Recovery is announced after a confirmed good spell; "since" moves to the recovery.
  for (let i = 0; i < 3; i++) {
    await sleep(1100);
    await weak.request('link.report', good);
  }
  // The first 'good' after the 'poor' one (the point may have been announced good when it joined).
  const poorAt = chair.notifications.findIndex((n) => n.name === 'linkQuality' && (n.data as PeerLink) === told);
  const recovered = (await chair.waitFor(() => chair.notifications.slice(poorAt + 1).find((n) => n.name === 'linkQuality' && (n.data as PeerLink).peerId === joined.peerId && (n.data as PeerLink).quality === 'good'), 15_000)).data as PeerLink;
  expect(recovered.since).toBeGreaterThan(told.since);
  for (const c of [chair, weak, bystander]) c.close();
});

it('hands out TURN credentials coturn accepts (use-auth-secret), valid for TURN_TTL_SECONDS', async () => {
  const admin = await TestApi.admin(server.url);
  const point = await person(admin, 'operator', 'Điểm cầu Y Tý');
  const client = await TestSignalingClient.connect(server.url, point.token);
  const { iceServers, expiresAt } = await client.request('link.iceServers', {});
  expect(iceServers).toHaveLength(1);
  const [ice] = iceServers;
  expect(ice!.urls).toEqual(['turns:127.0.0.1:5349?transport=tcp', 'turn:127.0.0.1:3478']);
  const [expiry, user] = ice!.username.split(':');
  expect(user).toBe(point.id);
  expect(Number(expiry) * 1000).toBe(expiresAt);
  expect(Math.abs(Number(expiry) - (Date.now() / 1000 + 600))).toBeLessThan(5);
  expect(ice!.credential).toBe(createHmac('sha1', TURN_SECRET).update(ice!.username).digest('base64'));
  client.close();
});
