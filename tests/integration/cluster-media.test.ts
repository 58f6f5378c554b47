/**
 * Media between two servers (issue 16, wiring step 5): server A in this process, server B a child
 * process (so it can be SIGKILLed), on one PostgreSQL and one Redis started here. The chair on B
 * sends real VP8 RTP over ICE + DTLS-SRTP (a werift peer); a delegate on A receives it through the
 * PipeTransports between the two servers' routers (SRTP on the pipe), counted by SSRC at A's
 * werift receiver. What the chair does not send yet (a paused microphone) does not cross until it
 * is resumed; pause and close follow; B's SIGKILL closes what came from it once its lease lapses.
 * Skipped (by name) only where redis-server or PostgreSQL is not installed (`scripts/setup.sh --test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSecret } from '../../sfu-server/src/cluster/internal-api';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { clusterEnginesAvailable, TestCluster } from '../support/cluster-servers';
import type { ServerProcess } from '../support/server-process';
import { TestSignalingClient } from '../support/signaling-test-client';
import { connectWerift, weriftVideoParameters, type WeriftEndpoint } from '../support/werift-endpoint';
import { audioParameters, RtpPoint, startSending } from '../bench/support/rtp-points';

const hasEngines = clusterEnginesAvailable();
const LEASE_TTL_MS = 1500;
const AUTH_SECRET = 'cluster-media-test-secret-'.padEnd(48, 'x');
const audio = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, rtcpFeedback: [] }], headerExtensions: [], encodings: [{ ssrc }], rtcp: { cname: `a${ssrc}` } });

type Pipes = { inbound: Record<string, string[]>; outbound: Record<string, string[]> };

describe.skipIf(!hasEngines)('media between two servers (needs redis-server and PostgreSQL)', () => {
  let cluster: TestCluster;
  let a: RunningServer;
  let b: ServerProcess;

  beforeAll(async () => {
    cluster = await TestCluster.start({ authSecret: AUTH_SECRET, leaseTtlMs: LEASE_TTL_MS });
    a = await cluster.inProcess('server-a');
    b = await cluster.process('server-b', { HEARTBEAT_SECONDS: '5', PLAIN_RTP_ENABLED: '1' });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  /** What crosses now on B, asked through its internal API (as another server of the cluster would). */
  async function pipesOnB(meetingId: string): Promise<Pipes> {
    const res = await fetch(`${b.url}/internal/cluster/media/pipes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Cluster ${clusterSecret({ AUTH_SECRET })}`, 'x-cluster-server': 'test' },
      body: JSON.stringify({ meetingId }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Pipes;
  }

  it('refuses internal calls without the cluster secret, before reading the body, and bodies out of schema', async () => {
    const call = (headers: Record<string, string>, body: string) => fetch(`${b.url}/internal/cluster/media/pipe`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await call({}, '{}')).status).toBe(401);
    expect((await call({ authorization: 'Cluster wrong', 'x-cluster-server': 'x' }, '{}')).status).toBe(401);
    expect((await call({ authorization: `Cluster ${AUTH_SECRET}`, 'x-cluster-server': 'x' }, '{}')).status).toBe(401);
    const good = { authorization: `Cluster ${clusterSecret({ AUTH_SECRET })}`, 'x-cluster-server': 'server-x' };
    // Unauthenticated, a body too large for the route is not even read: still 401, not 413.
    expect((await call({}, JSON.stringify({ pad: 'x'.repeat(64 * 1024) }))).status).toBe(401);
    expect((await call(good, JSON.stringify({ meetingId: 'm', ip: '127.0.0.1', port: 0, srtpParameters: {} }))).status).toBe(400);
    // A pipe only goes to the media address its server published (server-x published none).
    const srtp = { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: Buffer.alloc(30, 1).toString('base64') };
    expect((await call(good, JSON.stringify({ meetingId: 'no-such-meeting', ip: '127.0.0.1', port: 5000, srtpParameters: srtp }))).status).toBe(404);
  });

  it('a point speaking on B is the active speaker on A too: its piped microphone is in A’s speaker detection', { timeout: 60_000 }, async () => {
    const admin = await TestApi.admin(a.url);
    const point = await person(admin, 'operator', 'Điểm cầu Lào Cai');
    const delegate = await person(admin, 'delegate', 'Đại biểu Đà Nẵng');
    const m = await liveMeeting(admin, [point, delegate]);
    const clients: TestSignalingClient[] = [];
    const rtp = new RtpPoint({ videoSsrc: 6100, audioSsrc: 6101, audio: { level: 5 } });
    let stop = () => {};
    try {
      // A delegate on A, ready to receive (its consumers are made; nothing needs to play here).
      const viewer = await TestSignalingClient.connect(a.url, delegate.token);
      clients.push(viewer);
      const joined = await viewer.request('join', { meetingId: m.id });
      await viewer.request('createWebRtcTransport', { direction: 'recv' });
      await viewer.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
      // A bridge point on B speaks loudly (plain RTP, opus with its audio level).
      await rtp.bind();
      const sender = await TestSignalingClient.connect(b.url, point.token);
      clients.push(sender);
      const pointPeer = (await sender.request('join', { meetingId: m.id })).peerId;
      const send = await sender.request('media.createPlainTransport', { direction: 'send' });
      rtp.target = { ip: send.ip, port: send.port };
      const mic = (await sender.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(6101) })).id;
      stop = startSending([rtp]);
      await viewer.notification('newConsumer', (n) => n.producerId === mic);
      // A's own detection names it (it would otherwise follow only A's participants).
      await viewer.notification('activeSpeaker', (n) => n.peerId === pointPeer);
      // Muted on B: it stops being the speaker on A at once.
      await sender.request('pauseProducer', { producerId: mic });
      await viewer.notification('activeSpeaker', (n) => n.peerId === null);
    } finally {
      stop();
      rtp.close();
      for (const c of clients) c.close();
    }
  });

  it('a participant on A sees and receives the camera of the chair on B through the pipes; only what is consumed crosses', { timeout: 120_000 }, async () => {
    const admin = await TestApi.admin(a.url);
    const delegate = await person(admin, 'delegate', 'Đại biểu Hà Nội');
    const late = await person(admin, 'delegate', 'Đại biểu Huế');
    const m = await liveMeeting(admin, [delegate, late]);
    const endpoints: WeriftEndpoint[] = [];
    const clients: TestSignalingClient[] = [];
    let sending = true;
    let pump: Promise<void> = Promise.resolve();
    try {
      // --- the chair on B sends its camera (real RTP) and has a microphone, paused.
      const chair = await TestSignalingClient.connect(b.url, m.chair.token);
      clients.push(chair);
      const chairJoin = await chair.request('join', { meetingId: m.id });
      const sendT = await chair.request('createWebRtcTransport', { direction: 'send' });
      const send = await connectWerift(chair, sendT);
      endpoints.push(send);
      const camera = (await chair.request('produce', { transportId: sendT.id, kind: 'video', source: 'webcam', rtpParameters: weriftVideoParameters(send) })).id;
      const mic = (await chair.request('produce', { transportId: sendT.id, kind: 'audio', source: 'mic', paused: true, rtpParameters: audio(4242) })).id;
      pump = (async () => {
        while (sending) await send.sendVideo(10, 20);
      })();

      // --- the delegate on A: the chair appears with both producers (announced over the bus).
      const viewer = await TestSignalingClient.connect(a.url, delegate.token);
      clients.push(viewer);
      const joined = await viewer.request('join', { meetingId: m.id });
      const chairSeen = (await viewer.waitFor(
        () =>
          [...viewer.notifications]
            .reverse()
            .map((n) => (n.name === 'peerJoined' || n.name === 'peerUpdated' ? (n.data as { peer: { id: string; producers: { id: string }[] } }).peer : undefined))
            .find((p) => p?.id === chairJoin.peerId && p.producers.length === 2),
        15_000,
      ))!;
      expect(chairSeen.producers.map((p) => p.id).sort()).toEqual([camera, mic].sort());
      const recvT = await viewer.request('createWebRtcTransport', { direction: 'recv' });
      const recv = await connectWerift(viewer, recvT);
      endpoints.push(recv);
      await viewer.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });

      // The camera is consumed here: piped from B, then the usual consumer.
      const video = await viewer.notification('newConsumer', (n) => n.producerId === camera);
      expect(video).toMatchObject({ peerId: chairJoin.peerId, kind: 'video', source: 'webcam' });
      await viewer.request('resumeConsumer', { consumerId: video.id });
      const ssrc = video.rtpParameters.encodings[0].ssrc as number;
      const started = Date.now();
      await expect.poll(() => recv.received.get(ssrc) ?? 0, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(50);
      const firstMs = Date.now() - started;
      const before = recv.received.get(ssrc) ?? 0;
      await new Promise((r) => setTimeout(r, 1000));
      const perSecond = (recv.received.get(ssrc) ?? 0) - before;
      console.log(`cluster media: 50 packets of B's camera reached A's receiver ${firstMs} ms after its resume; then ${perSecond} packets/s (sender ~50/s)`);
      expect(perSecond).toBeGreaterThan(10);

      // Only the camera crossed: the paused microphone is consumed by nobody here, so B sends it nowhere.
      expect(a.cluster!.media!.pipes(m.id).inbound).toEqual({ 'server-b': [camera] });
      expect((await pipesOnB(m.id)).outbound).toEqual({ 'server-a': [camera] });
      expect(viewer.notifications.some((n) => n.name === 'newConsumer' && (n.data as { producerId: string }).producerId === mic)).toBe(false);

      // A participant joining A later gets the chair with its producers in the join answer.
      const lateClient = await TestSignalingClient.connect(a.url, late.token);
      clients.push(lateClient);
      const lateJoin = await lateClient.request('join', { meetingId: m.id });
      expect(lateJoin.peers.find((p) => p.id === chairJoin.peerId)?.producers.map((p) => p.id).sort()).toEqual([camera, mic].sort());

      // --- the microphone resumed on B: now it is wanted here, so it crosses.
      await chair.request('resumeProducer', { producerId: mic });
      const voice = await viewer.notification('newConsumer', (n) => n.producerId === mic);
      expect(voice).toMatchObject({ kind: 'audio', source: 'mic', producerPaused: false });
      await expect.poll(async () => (await pipesOnB(m.id)).outbound['server-a']?.sort(), { timeout: 10_000 }).toEqual([camera, mic].sort());

      // --- pause and close follow.
      await chair.request('pauseProducer', { producerId: camera });
      await viewer.notification('consumerPaused', (n) => n.consumerId === video.id);
      await chair.request('resumeProducer', { producerId: camera });
      await viewer.notification('consumerResumed', (n) => n.consumerId === video.id);
      await chair.request('closeProducer', { producerId: camera });
      await viewer.notification('consumerClosed', (n) => n.consumerId === video.id);
      await expect.poll(() => a.cluster!.media!.pipes(m.id).inbound, { timeout: 10_000 }).toEqual({ 'server-b': [mic] });

      // --- B dies: once its lease lapses, A closes what came from it.
      sending = false;
      await pump;
      await b.kill9();
      await viewer.notification('consumerClosed', (n) => n.consumerId === voice.id);
      expect(a.cluster!.media!.pipes(m.id).inbound).toEqual({});
      expect(a.rooms.find(m.id)?.remoteSenders.size).toBe(0);
    } finally {
      sending = false;
      await pump.catch(() => undefined);
      for (const e of endpoints) await e.close().catch(() => undefined);
      for (const c of clients) c.close();
    }
  });
});
