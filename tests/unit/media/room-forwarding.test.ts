/**
 * The forwarding policy applied by a room to real mediasoup consumers: last-N, tiles on screen,
 * layers by tile size, receive modes, the client unable to override, and the active speaker.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notifications } from '../../../common/protocol';
import { resolveWorkerBin } from '../../../scripts/mediasoup-worker/worker-path.mjs';
import { mediaCodecs } from '../../../sfu-server/src/media/media-codecs';
import { Peer } from '../../../sfu-server/src/media/peer';
import { Room } from '../../../sfu-server/src/media/room';
import { createLogger } from '../../../sfu-server/src/observability/logger';

let worker: types.Worker;
const logger = createLogger('silent');

beforeAll(async () => {
  const workerBin = process.env.MEDIASOUP_WORKER_BIN ?? resolveWorkerBin(process.cwd()) ?? undefined;
  worker = await mediasoup.createWorker({ logLevel: 'error', ...(workerBin ? { workerBin } : {}) });
});
afterAll(() => worker?.close());

const transport = { listenIp: '127.0.0.1', announcedAddress: undefined, portRange: { min: 46000, max: 46999 }, initialAvailableOutgoingBitrate: 600_000 };
const tick = () => new Promise((r) => setTimeout(r, 30));

function recordingPeer(id: string, role = 'operator') {
  const received: { name: string; data: unknown }[] = [];
  const peer = new Peer({
    id,
    accountId: `account-${id}`,
    role,
    displayName: `Điểm ${id}`,
    pointName: `Điểm cầu ${id}`,
    unitName: 'UBND xã',
    level: 'commune',
    headcount: 10,
    notify: <N extends keyof Notifications>(name: N, data: Notifications[N]) => void received.push({ name, data }),
  });
  return { peer, received };
}

const vp8Simulcast = (base: number): types.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'ccm', parameter: 'fir' }] }],
  encodings: [{ ssrc: base }, { ssrc: base + 1 }, { ssrc: base + 2 }],
  headerExtensions: [],
  rtcp: { cname: `v${base}` },
});
const opus = (ssrc: number): types.RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
  headerExtensions: [],
  rtcp: { cname: `a${ssrc}` },
});

/** Senders a, b, c, d (camera + microphone) and receiver r, joined in that order, lastN = 2. */
async function setUp(opts: { chairOf?: string } = {}) {
  const router = await worker.createRouter({ mediaCodecs });
  // A long interval: the observer itself stays quiet (no real audio here); the test announces speakers.
  const speakerObserver = await router.createActiveSpeakerObserver({ interval: 600_000 });
  const room = new Room({ name: 'hop-tinh', router, transport, maxPeers: 20, logger, onEmpty: () => {}, lastN: 2, speakerObserver });
  if (opts.chairOf) room.chairAccountId = `account-${opts.chairOf}`;
  const senders = ['a', 'b', 'c', 'd'].map((id) => recordingPeer(id));
  const mics = new Map<string, types.Producer>();
  let ssrc = 1000;
  for (const s of senders) {
    room.join(s.peer);
    const t = await room.createTransport(s.peer, 'send');
    await room.produce(s.peer, { transportId: t.id, kind: 'video', rtpParameters: vp8Simulcast((ssrc += 10)), source: 'webcam' });
    const micId = await room.produce(s.peer, { transportId: t.id, kind: 'audio', rtpParameters: opus((ssrc += 10)), source: 'mic' });
    mics.set(s.peer.id, s.peer.producer(micId));
  }
  const r = recordingPeer('r');
  room.join(r.peer);
  await room.createTransport(r.peer, 'recv');
  await room.ready(r.peer, router.rtpCapabilities as types.RtpCapabilities);
  // The client resumes everything it set up, as the engine does.
  for (const c of [...r.peer.consumers.values()]) await room.setConsumerPaused(r.peer, c.id, false);
  const consumerOf = (peerId: string, kind: 'audio' | 'video') => [...r.peer.consumers.values()].find((c) => c.appData.peerId === peerId && c.kind === kind)!;
  const speak = async (peerId: string) => {
    speakerObserver.emit('dominantspeaker', { producer: mics.get(peerId)! });
    await tick();
  };
  const forwardingNotes = () => r.received.filter((n) => n.name === 'consumerForwarding').map((n) => n.data as Notifications['consumerForwarding']);
  return { room, r, senders, consumerOf, speak, mics, forwardingNotes };
}

describe('room forwarding', () => {
  it('forwards camera video from the last N only (join order until someone speaks), all audio', async () => {
    const { room, consumerOf, forwardingNotes } = await setUp();
    await tick();
    expect(consumerOf('a', 'video').paused).toBe(false);
    expect(consumerOf('b', 'video').paused).toBe(false);
    expect(consumerOf('c', 'video').paused).toBe(true);
    expect(consumerOf('d', 'video').paused).toBe(true);
    for (const id of ['a', 'b', 'c', 'd']) expect(consumerOf(id, 'audio').paused).toBe(false);
    expect(forwardingNotes()).toEqual(
      expect.arrayContaining([
        { consumerId: consumerOf('c', 'video').id, forwarding: false },
        { consumerId: consumerOf('d', 'video').id, forwarding: false },
      ]),
    );
    expect(forwardingNotes().some((n) => n.consumerId === consumerOf('a', 'video').id)).toBe(false);
    room.close();
  });

  it('moves video to new speakers, announces the speaker, and ignores muted microphones', async () => {
    const { room, r, senders, consumerOf, speak, mics } = await setUp();
    await speak('d');
    expect(r.received.filter((n) => n.name === 'activeSpeaker').at(-1)?.data).toEqual({ peerId: 'd' });
    expect(senders[0]!.received.some((n) => n.name === 'activeSpeaker')).toBe(true);
    expect(consumerOf('d', 'video').paused).toBe(false);
    expect(consumerOf('a', 'video').paused).toBe(false);
    expect(consumerOf('b', 'video').paused).toBe(true);
    await speak('c');
    expect(consumerOf('c', 'video').paused).toBe(false);
    expect(consumerOf('d', 'video').paused).toBe(false);
    expect(consumerOf('a', 'video').paused).toBe(true);
    expect(room.activeSpeaker).toBe('c');

    // A muted microphone stops being the speaker at once and cannot become it.
    await room.setProducerPaused(senders[2]!.peer, mics.get('c')!.id, true);
    expect(room.activeSpeaker).toBe(null);
    expect(r.received.filter((n) => n.name === 'activeSpeaker').at(-1)?.data).toEqual({ peerId: null });
    await room.setProducerPaused(senders[1]!.peer, mics.get('b')!.id, true);
    await speak('b');
    expect(room.activeSpeaker).toBe(null);
    room.close();
  });

  it('does not let the client resume what the server keeps paused', async () => {
    const { room, r, consumerOf } = await setUp();
    const d = consumerOf('d', 'video');
    await room.setConsumerPaused(r.peer, d.id, false);
    expect(d.paused).toBe(true);
    // ...but the client may pause what it does not want.
    const a = consumerOf('a', 'video');
    await room.setConsumerPaused(r.peer, a.id, true);
    expect(a.paused).toBe(true);
    await room.setConsumerPaused(r.peer, a.id, false);
    expect(a.paused).toBe(false);
    room.close();
  });

  it('pauses tiles off screen and picks the layer by tile height; pinned and chair tiles get video', async () => {
    const { room, r, consumerOf } = await setUp({ chairOf: 'd' });
    await room.setTileViews(
      r.peer,
      [
        { peerId: 'a', source: 'webcam', width: 320, height: 180 },
        { peerId: 'c', source: 'webcam', width: 1280, height: 720, pinned: true },
        { peerId: 'd', source: 'webcam', width: 640, height: 360 },
      ],
      'normal',
    );
    expect(consumerOf('a', 'video').paused).toBe(false);
    expect(consumerOf('a', 'video').preferredLayers?.spatialLayer).toBe(0);
    expect(consumerOf('b', 'video').paused).toBe(true); // in last-N but off screen
    expect(consumerOf('c', 'video').paused).toBe(false); // pinned
    expect(consumerOf('c', 'video').preferredLayers?.spatialLayer).toBe(2);
    expect(consumerOf('d', 'video').paused).toBe(false); // chair
    expect(consumerOf('d', 'video').preferredLayers?.spatialLayer).toBe(1);

    await room.setTileViews(r.peer, [{ peerId: 'c', source: 'webcam', width: 1280, height: 720, pinned: true }], 'low');
    expect(consumerOf('c', 'video').preferredLayers?.spatialLayer).toBe(0);
    expect(consumerOf('a', 'video').paused).toBe(true);

    await room.setTileViews(r.peer, [{ peerId: 'c', source: 'webcam', width: 1280, height: 720, pinned: true }], 'audio-only');
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(consumerOf(id, 'video').paused).toBe(true);
      expect(consumerOf(id, 'audio').paused).toBe(false);
    }
    room.close();
  });

  it('does not forward the audio of a muted point (its producer is paused)', async () => {
    const { room, senders, consumerOf, mics } = await setUp();
    await room.forceMic(senders[0]!.peer, true);
    await tick();
    expect(mics.get('a')!.paused).toBe(true);
    expect(consumerOf('a', 'audio').producerPaused).toBe(true);
    room.close();
  });
});
