/**
 * Plain RTP endpoints: refused unless the server enables them, refused to roles other than
 * bridge points and admins, never sent to another address than the signaling's; a receiving
 * plain endpoint gets the chair's media and the current speaker's only. With SRTP keys
 * (SDES-style, AEAD-GCM) media is encrypted and authenticated both ways, and plain RTP sent to an
 * SRTP endpoint is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { audioParameters, newSrtpKey, RtpPoint, startSending, videoParameters } from '../bench/support/rtp-points';
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

  it('carries SRTP both ways with keys given at creation, and drops plain RTP sent to an SRTP endpoint', { timeout: 60_000 }, async () => {
    const admin = await TestApi.admin(enabled.url);
    const [a, b, c] = [await person(admin, 'operator', 'Điểm cầu Mã hóa A'), await person(admin, 'operator', 'Điểm cầu Mã hóa B'), await person(admin, 'operator', 'Điểm cầu Không mã hóa')];
    const meeting = await liveMeeting(admin, [a, b, c]);
    const suite = 'AEAD_AES_128_GCM' as const;
    const points: RtpPoint[] = [];
    const clients: TestSignalingClient[] = [];
    try {
      // B receives (the speaker's media reaches every plain receiver), with SRTP.
      const receiver = new RtpPoint({ videoSsrc: 7000, audioSsrc: 7001, audio: null });
      points.push(receiver);
      const rb = await TestSignalingClient.connect(enabled.url, b.token);
      clients.push(rb);
      const jb = await rb.request('join', { meetingId: meeting.id });
      const port = await receiver.bind();
      // A key whose length does not fit the suite, or not base64, is refused at the edge.
      for (const keyBase64 of [Buffer.alloc(30).toString('base64'), 'not*base64', '']) {
        expect(await rb.requestFrame('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port, srtp: { cryptoSuite: suite, keyBase64 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      const bKey = newSrtpKey(suite);
      const recv = await rb.request('media.createPlainTransport', { direction: 'recv', ip: '127.0.0.1', port, srtp: { cryptoSuite: suite, keyBase64: bKey } });
      expect(recv.srtp?.cryptoSuite).toBe(suite);
      expect(Buffer.from(recv.srtp!.keyBase64, 'base64')).toHaveLength(28);
      receiver.useSrtp(suite, bKey, recv.srtp!.keyBase64);
      await rb.request('ready', { rtpCapabilities: jb.routerRtpCapabilities });

      // A (SRTP) and C (plain RTP to an SRTP endpoint) send loud audio and video.
      const producerOf: Record<string, string> = {};
      for (const [who, ssrc, encrypt] of [[a, 8000, true], [c, 9000, false]] as const) {
        const point = new RtpPoint({ videoSsrc: ssrc, audioSsrc: ssrc + 1, audio: { level: 5 } });
        points.push(point);
        await point.bind();
        const client = await TestSignalingClient.connect(enabled.url, who.token);
        clients.push(client);
        await client.request('join', { meetingId: meeting.id });
        const key = newSrtpKey(suite);
        const send = await client.request('media.createPlainTransport', { direction: 'send', srtp: { cryptoSuite: suite, keyBase64: key } });
        point.target = { ip: send.ip, port: send.port };
        if (encrypt) point.useSrtp(suite, key, send.srtp!.keyBase64);
        producerOf[who.id] = (await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(ssrc + 1) })).id;
        await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(ssrc) });
      }
      const stop = startSending(points.slice(1));
      try {
        // B decrypts and authenticates what it receives: the send instants inside the encrypted payloads read back.
        await expect.poll(() => receiver.delays.length, { timeout: 20_000 }).toBeGreaterThan(50);
        expect(receiver.authFailures).toBe(0);
        expect(receiver.tally().received).toBeGreaterThan(50);
        const room = enabled.rooms.find(meeting.id)!;
        const producer = (accountId: string) => [...room.peers.values()].find((p) => p.identity.accountId === accountId)!.producers.get(producerOf[accountId]!)!;
        const packets = async (accountId: string) => (await producer(accountId).getStats()).reduce((sum, st) => sum + st.packetCount, 0);
        expect(await packets(a.id)).toBeGreaterThan(20);
        // C's plain packets fail SRTP authentication in the worker: nothing reaches its producer.
        expect(await packets(c.id)).toBe(0);
      } finally {
        stop();
      }
    } finally {
      for (const x of clients) x.close();
      for (const p of points) p.close();
    }
  });
});
