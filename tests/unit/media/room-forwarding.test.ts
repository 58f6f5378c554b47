/**
 * The forwarding policy applied by a room to real mediasoup consumers: consumers made on first
 * need, last-N, tiles on screen, layers by tile size, receive modes, the client unable to
 * override, and the active speaker.
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

/** Polls until `check` passes (consumers are made and resumed over a few worker round trips). */
async function until(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await tick();
    }
  }
}

function recordingPeer(id: string, role = 'operator', onNewConsumer?: (consumerId: string) => void) {
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
    notify: <N extends keyof Notifications>(name: N, data: Notifications[N]) => {
      received.push({ name, data });
      if (name === 'newConsumer') onNewConsumer?.((data as Notifications['newConsumer']).id);
    },
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
async function setUp(opts: { chairOf?: string; mutedMics?: string[] } = {}) {
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
    const paused = opts.mutedMics?.includes(s.peer.id) ?? false;
    const micId = await room.produce(s.peer, { transportId: t.id, kind: 'audio', rtpParameters: opus((ssrc += 10)), source: 'mic', paused });
    mics.set(s.peer.id, s.peer.producer(micId));
  }
  // The client sets up and resumes every consumer it is given, as the engine does.
  const r = recordingPeer('r', 'operator', (id) => setTimeout(() => void room.setConsumerPaused(r.peer, id, false).catch(() => {}), 0));
  room.join(r.peer);
  await room.createTransport(r.peer, 'recv');
  await room.ready(r.peer, router.rtpCapabilities as types.RtpCapabilities);
  await until(() => expect([...r.peer.consumers.values()].every((c) => !c.appData.clientPaused)).toBe(true));
  const consumerOf = (peerId: string, kind: 'audio' | 'video') => [...r.peer.consumers.values()].find((c) => c.appData.peerId === peerId && c.kind === kind)!;
  const has = (peerId: string, kind: 'audio' | 'video') => [...r.peer.consumers.values()].some((c) => c.appData.peerId === peerId && c.kind === kind);
  const speak = async (peerId: string) => {
    speakerObserver.emit('dominantspeaker', { producer: mics.get(peerId)! });
    await tick();
  };
  const forwardingNotes = () => r.received.filter((n) => n.name === 'consumerForwarding').map((n) => n.data as Notifications['consumerForwarding']);
  return { room, r, senders, consumerOf, has, speak, mics, forwardingNotes };
}

describe('room forwarding', () => {
  it('makes consumers only for what it forwards: cameras of the last N (join order until someone speaks), unmuted microphones', async () => {
    const { room, r, consumerOf, has, mics, senders } = await setUp({ mutedMics: ['d'] });
    await tick();
    expect(consumerOf('a', 'video').paused).toBe(false);
    expect(consumerOf('b', 'video').paused).toBe(false);
    expect(has('c', 'video')).toBe(false);
    expect(has('d', 'video')).toBe(false);
    for (const id of ['a', 'b', 'c']) expect(consumerOf(id, 'audio').paused).toBe(false);
    expect(has('d', 'audio')).toBe(false);
    expect(r.peer.consumers.size).toBe(5);
    // Unmuted: its consumer is made at once and its sound flows.
    await room.setProducerPaused(senders[3]!.peer, mics.get('d')!.id, false);
    await until(() => expect(consumerOf('d', 'audio')?.paused).toBe(false));
    // Muted again: the consumer stays (for the next time), its producer paused.
    await room.setProducerPaused(senders[3]!.peer, mics.get('d')!.id, true);
    await until(() => expect(consumerOf('d', 'audio').producerPaused).toBe(true));
    room.close();
  });

  it('moves video to new speakers, announces the speaker, and ignores muted microphones', async () => {
    const { room, r, senders, consumerOf, speak, mics } = await setUp();
    await speak('d');
    expect(r.received.filter((n) => n.name === 'activeSpeaker').at(-1)?.data).toEqual({ peerId: 'd' });
    expect(senders[0]!.received.some((n) => n.name === 'activeSpeaker')).toBe(true);
    await until(() => expect(consumerOf('d', 'video')?.paused).toBe(false));
    expect(consumerOf('a', 'video').paused).toBe(false);
    expect(consumerOf('b', 'video').paused).toBe(true);
    await speak('c');
    await until(() => expect(consumerOf('c', 'video')?.paused).toBe(false));
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
    // b's tile leaves the screen: the server pauses it, and the client cannot resume it.
    await room.setTileViews(r.peer, [{ peerId: 'a', source: 'webcam', width: 320, height: 180 }], 'normal');
    const b = consumerOf('b', 'video');
    expect(b.paused).toBe(true);
    await room.setConsumerPaused(r.peer, b.id, false);
    expect(b.paused).toBe(true);
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
    await until(() => expect(consumerOf('c', 'video')?.paused).toBe(false)); // pinned: made now
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
