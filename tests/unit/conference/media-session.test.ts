/**
 * The media session through the engine's façade, with a mediasoup-client device on its fake
 * handler (no browser) and a fake signaling connection: transports and producers are set up on
 * join, the others' consumers become tracks of their peers, and each notification changes only the
 * peer it concerns (the other peers' objects stay the same, so their tiles do not re-render).
 */
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { describe, expect, it } from 'vitest';
import type { NewConsumer, PeerInfo } from '../../../common/protocol';
import { ConferenceEngine } from '../../../renderer/src/features/conference/conference-engine';
import { FakeConnection, refusal, until, type Handlers } from '../../support/fake-signaling';

const MEETING = '11111111-1111-4111-8111-111111111111';

const peer = (id: string, joinedAt: number): PeerInfo => ({ id, accountId: `acc-${id}`, role: 'operator', displayName: id, pointName: id, unitName: '', level: null, headcount: null, joinedAt, producers: [] });

function fakeStream(tracks: MediaStreamTrack[] = []): MediaStream {
  const list = [...tracks];
  return {
    getTracks: () => list,
    getAudioTracks: () => list.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => list.filter((t) => t.kind === 'video'),
    addTrack: (t: MediaStreamTrack) => list.push(t),
    removeTrack: (t: MediaStreamTrack) => list.splice(list.indexOf(t), 1),
  } as unknown as MediaStream;
}

function setup(extra: Handlers = {}) {
  let produced = 0;
  const conn = new FakeConnection({
    'link.iceServers': () => ({ iceServers: [] }),
    'link.states': () => ({ links: [] }),
    join: () => ({ peerId: 'me', self: peer('me', 0), meetingTitle: 'Giao ban', routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() as never, peers: [peer('a', 1), peer('b', 2), peer('c', 3)] }),
    createWebRtcTransport: () => testFakeParameters.generateTransportRemoteParameters() as never,
    produce: () => ({ id: `producer-${++produced}` }),
    ...extra,
  });
  const engine = new ConferenceEngine({
    connect: () => conn,
    refreshAuth: async () => undefined,
    createDevice: () => new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) }),
  });
  return { conn, engine };
}

function consumer(peerId: string, kind: 'audio' | 'video'): NewConsumer {
  const p = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: kind === 'audio' ? 'audio/opus' : 'video/VP8' });
  return { id: p.id!, producerId: p.producerId!, kind, rtpParameters: p.rtpParameters as never, peerId, source: kind === 'audio' ? 'mic' : 'webcam', producerPaused: false } as NewConsumer;
}

async function joinedRoom() {
  const s = setup();
  await s.engine.join({ server: 'http://server', meetingId: MEETING, stream: fakeStream() });
  const consumers = { aVideo: consumer('a', 'video'), aAudio: consumer('a', 'audio'), bVideo: consumer('b', 'video') };
  for (const c of Object.values(consumers)) s.conn.notify('newConsumer', c);
  await until(() => s.engine.getState().peers.reduce((n, p) => n + p.tracks.length, 0) === 3);
  return { ...s, consumers };
}

describe('media session', () => {
  it('sets up both transports and says ready on join', async () => {
    const { conn, engine } = setup();
    await engine.join({ server: 'http://server', meetingId: MEETING, stream: fakeStream() });
    expect(engine.getState().status).toBe('joined');
    const methods = conn.methods();
    expect(methods.filter((m) => m === 'createWebRtcTransport')).toHaveLength(2);
    expect(methods).toContain('ready');
  });

  it("makes the others' consumers into their peers' tracks and resumes them", async () => {
    const { conn, engine, consumers } = await joinedRoom();
    const a = engine.getState().peers.find((p) => p.info.id === 'a')!;
    expect(a.tracks.map((t) => [t.kind, t.source, t.forwarding])).toEqual([
      ['video', 'webcam', true],
      ['audio', 'mic', true],
    ]);
    const resumed = conn.requests.filter((r) => r.method === 'resumeConsumer').map((r) => (r.data as { consumerId: string }).consumerId);
    expect(resumed.sort()).toEqual(Object.values(consumers).map((c) => c.id).sort());
  });

  it('a new active speaker changes only activeSpeakerId: the peers stay the same objects', async () => {
    const { conn, engine } = await joinedRoom();
    const before = engine.getState().peers;
    let changes = 0;
    engine.subscribe(() => changes++);
    conn.notify('activeSpeaker', { peerId: 'b' });
    await until(() => engine.getState().activeSpeakerId === 'b');
    expect(engine.getState().peers).toBe(before);
    // The same speaker again: no change at all.
    conn.notify('activeSpeaker', { peerId: 'b' });
    await new Promise((r) => setTimeout(r, 20));
    expect(changes).toBe(1);
  });

  it("one consumer's forwarding or pause changes only its peer", async () => {
    const { conn, engine, consumers } = await joinedRoom();
    const [a, b, c] = engine.getState().peers;
    conn.notify('consumerForwarding', { consumerId: consumers.bVideo.id, forwarding: false });
    await until(() => engine.getState().peers[1] !== b);
    const after = engine.getState().peers;
    expect(after[0]).toBe(a);
    expect(after[2]).toBe(c);
    expect(after[1]!.tracks[0]!.forwarding).toBe(false);
    conn.notify('consumerPaused', { consumerId: consumers.aVideo.id });
    await until(() => engine.getState().peers[0]!.tracks[0]!.producerPaused);
    expect(engine.getState().peers[1]).toBe(after[1]);
  });

  it('a closed consumer and a peer that left disappear', async () => {
    const { conn, engine, consumers } = await joinedRoom();
    conn.notify('consumerClosed', { consumerId: consumers.aAudio.id });
    await until(() => engine.getState().peers[0]!.tracks.length === 1);
    conn.notify('peerLeft', { peerId: 'a' });
    await until(() => engine.getState().peers.length === 2);
    expect(engine.getState().peers.map((p) => p.info.id)).toEqual(['b', 'c']);
  });

  it('the server muting us (micForced) mutes locally; a refused unmute stays muted and throws', async () => {
    const mic = new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack;
    const { conn, engine } = setup({ resumeProducer: () => Promise.reject(refusal('forbidden')) });
    await engine.join({ server: 'http://server', meetingId: MEETING, stream: fakeStream([mic]) });
    expect(conn.methods()).toContain('produce');
    conn.notify('micForced', { muted: true });
    await until(() => engine.getState().micMuted);
    await expect(engine.setMicMuted(false)).rejects.toMatchObject({ code: 'forbidden' });
    expect(engine.getState().micMuted).toBe(true);
  });

  it('coalesces the tiles on screen into one request with the latest list', async () => {
    const { conn, engine } = await joinedRoom();
    const before = conn.requests.filter((r) => r.method === 'media.setTileViews').length;
    engine.setTileViews([{ peerId: 'a', source: 'webcam', width: 320, height: 180 }]);
    engine.setTileViews([{ peerId: 'b', source: 'webcam', width: 640.4, height: 360.6 }]);
    await until(() => conn.requests.filter((r) => r.method === 'media.setTileViews').length > before);
    await new Promise((r) => setTimeout(r, 200));
    const sent = conn.requests.filter((r) => r.method === 'media.setTileViews').slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toEqual({ views: [{ peerId: 'b', source: 'webcam', width: 640, height: 361 }], receiveMode: 'normal' });
  });

  it('leaving stops the local tracks and empties the room', async () => {
    const mic = new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack;
    const { engine } = setup();
    await engine.join({ server: 'http://server', meetingId: MEETING, stream: fakeStream([mic]) });
    await engine.leave();
    expect(mic.readyState).toBe('ended');
    expect(engine.getState()).toMatchObject({ status: 'left', peers: [] });
    expect(engine.localStream).toBeNull();
  });
});
