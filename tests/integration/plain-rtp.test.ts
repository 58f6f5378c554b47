/**
 * Plain RTP endpoints: refused unless the server enables them, refused to roles other than
 * bridge points and admins, never sent to another address than the signaling's; a receiving
 * plain endpoint gets the chair's media and the current speaker's only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

const video = (ssrc: number) => ({ codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }], headerExtensions: [], encodings: [{ ssrc }], rtcp: { cname: `v${ssrc}` } });

describe('plain RTP endpoints', () => {
  let enabled: RunningServer;
  let disabled: RunningServer;
  beforeAll(async () => {
    enabled = await startTestServer({ PLAIN_RTP_ENABLED: '1' });
    disabled = await startTestServer();
  });
  afterAll(async () => {
    await enabled?.close();
    await disabled?.close();
  });

  it('is refused when the server does not enable it', async () => {
    const admin = await TestApi.admin(disabled.url);
    const point = await person(admin, 'operator', 'Điểm cầu Phần cứng');
    const meeting = await liveMeeting(admin, [point]);
    const c = await TestSignalingClient.connect(disabled.url, point.token);
    await c.request('join', { meetingId: meeting.id });
    const frame = await c.requestFrame('media.createPlainTransport', { direction: 'send' });
    expect(frame).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    c.close();
  });

  it('checks the role and the address, and a plain receiver follows the chair and the speaker', { timeout: 60_000 }, async () => {
    const admin = await TestApi.admin(enabled.url);
    const point = await person(admin, 'operator', 'Điểm cầu Codec');
    const delegate = await person(admin, 'delegate', 'Đại biểu Thường');
    const others = [await person(admin, 'operator', 'Điểm cầu Một'), await person(admin, 'operator', 'Điểm cầu Hai')];
    const meeting = await liveMeeting(admin, [point, delegate, ...others]);

    const d = await TestSignalingClient.connect(enabled.url, delegate.token);
    await d.request('join', { meetingId: meeting.id });
    expect(await d.requestFrame('media.createPlainTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const c = await TestSignalingClient.connect(enabled.url, point.token);
    const joined = await c.request('join', { meetingId: meeting.id });
    expect(await c.requestFrame('media.createPlainTransport', { direction: 'recv', ip: '10.1.2.3', port: 5004 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await c.requestFrame('media.createPlainTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const send = await c.request('media.createPlainTransport', { direction: 'send' });
    expect(send.ip).toBe('127.0.0.1');
    expect(send.port).toBeGreaterThan(0);
    await c.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port: 5004 });
    await c.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });

    // Two other points send video: neither is the chair or the speaker, so the codec gets nothing.
    const senders: { client: TestSignalingClient; peerId: string }[] = [];
    let ssrc = 5000;
    for (const p of others) {
      const s = await TestSignalingClient.connect(enabled.url, p.token);
      const j = await s.request('join', { meetingId: meeting.id });
      const t = await s.request('createWebRtcTransport', { direction: 'send' });
      await s.request('produce', { transportId: t.id, kind: 'video', source: 'webcam', rtpParameters: video((ssrc += 10)) });
      senders.push({ client: s, peerId: j.peerId });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(c.notifications.filter((n) => n.name === 'newConsumer')).toHaveLength(0);
    // The chair joins and sends: the codec receives it.
    const chair = await TestSignalingClient.connect(enabled.url, meeting.chair.token);
    const cj = await chair.request('join', { meetingId: meeting.id });
    const ct = await chair.request('createWebRtcTransport', { direction: 'send' });
    await chair.request('produce', { transportId: ct.id, kind: 'video', source: 'webcam', rtpParameters: video(9000) });
    const chairConsumer = await c.notification('newConsumer', (n) => n.peerId === cj.peerId);
    expect(chairConsumer.kind).toBe('video');
    const room = enabled.rooms.find(meeting.id)!;
    const codecPeer = [...room.peers.values()].find((p) => p.identity.accountId === point.id)!;
    expect([...codecPeer.consumers.values()].every((x) => !x.paused)).toBe(true);
    expect(codecPeer.consumers.size).toBe(1);
    for (const x of [c, d, chair, ...senders.map((s) => s.client)]) x.close();
  });
});
