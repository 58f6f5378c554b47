/**
 * Room state against a real mediasoup worker: joining and leaving, who sees whom, ownership of
 * transports and producers, consumers created on `ready`, and everything closed on leave.
 */
import type { types } from 'mediasoup';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../../sfu-server/src/media/peer';
import type { Room } from '../../../sfu-server/src/media/room';
import { newRoom as roomOn, recordingPeer, useWorker } from './support/room-fixture';

const worker = useWorker();
const newRoom = (onEmpty?: (r: Room) => void) => roomOn(worker(), onEmpty);

const opusParameters = (ssrc: number): types.RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
  headerExtensions: [],
  rtcp: { cname: `c${ssrc}` },
});

describe('Room', () => {
  it('tells existing peers about newcomers and newcomers about existing peers', async () => {
    const room = await newRoom();
    const a = recordingPeer('a');
    const b = recordingPeer('b');
    expect(room.join(a.peer)).toEqual([]);
    const others = room.join(b.peer);
    expect(others.map((p) => p.id)).toEqual(['a']);
    expect(a.received).toEqual([{ name: 'peerJoined', data: { peer: b.peer.info() } }]);
    expect(b.received).toEqual([]);
    room.close();
  });

  it('replaces the old presence when the same account joins again', async () => {
    const room = await newRoom();
    const a = recordingPeer('a');
    const first = recordingPeer('b');
    let disconnected = false;
    const firstPeer = new Peer({ ...first.peer.identity, id: 'b1', notify: first.peer.notify, disconnect: () => (disconnected = true) });
    room.join(a.peer);
    room.join(firstPeer);
    room.join(new Peer({ ...first.peer.identity, id: 'b2', notify: () => {} }));
    expect([...room.peers.keys()]).toEqual(['a', 'b2']);
    expect(disconnected).toBe(true);
    expect(a.received.map((n) => n.name)).toEqual(['peerJoined', 'peerLeft', 'peerJoined']);
    room.close();
  });

  it('refuses more peers than the limit', async () => {
    const room = await newRoom();
    for (const id of ['1', '2', '3']) room.join(recordingPeer(id).peer);
    expect(() => room.join(recordingPeer('4').peer)).toThrow(/full/);
    room.close();
  });

  it('keeps transports and producers private to their owner', async () => {
    const room = await newRoom();
    const a = recordingPeer('a');
    const b = recordingPeer('b');
    room.join(a.peer);
    room.join(b.peer);
    const t = await room.createTransport(a.peer, 'send');
    await expect(room.restartIce(b.peer, t.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(room.produce(b.peer, { transportId: t.id, kind: 'audio', rtpParameters: opusParameters(1), source: 'mic' })).rejects.toMatchObject({ code: 'not_found' });
    const producerId = await room.produce(a.peer, { transportId: t.id, kind: 'audio', rtpParameters: opusParameters(1), source: 'mic' });
    await expect(room.setProducerPaused(b.peer, producerId, true)).rejects.toMatchObject({ code: 'not_found' });
    expect(() => room.closeProducer(b.peer, producerId)).toThrow(/not found/);
    room.close();
  });

  it('checks kind against source and refuses a second producer of one source', async () => {
    const room = await newRoom();
    const a = recordingPeer('a');
    room.join(a.peer);
    const t = await room.createTransport(a.peer, 'send');
    await expect(room.produce(a.peer, { transportId: t.id, kind: 'video', rtpParameters: opusParameters(1), source: 'mic' })).rejects.toMatchObject({ code: 'bad_request' });
    await room.produce(a.peer, { transportId: t.id, kind: 'audio', rtpParameters: opusParameters(1), source: 'mic' });
    await expect(room.produce(a.peer, { transportId: t.id, kind: 'audio', rtpParameters: opusParameters(2), source: 'mic' })).rejects.toMatchObject({ code: 'conflict' });
    const recv = await room.createTransport(a.peer, 'recv');
    await expect(room.produce(a.peer, { transportId: recv.id, kind: 'audio', rtpParameters: opusParameters(3), source: 'mic' })).rejects.toMatchObject({ code: 'bad_request' });
    room.close();
  });

  it('creates consumers on ready and for later producers, and reports pauses', async () => {
    const room = await newRoom();
    const a = recordingPeer('a');
    const b = recordingPeer('b');
    room.join(a.peer);
    room.join(b.peer);
    const send = await room.createTransport(a.peer, 'send');
    const producerId = await room.produce(a.peer, { transportId: send.id, kind: 'audio', rtpParameters: opusParameters(11), source: 'mic' });
    await room.createTransport(b.peer, 'recv');
    await room.ready(b.peer, room.router.rtpCapabilities as types.RtpCapabilities);
    const consumerNote = b.received.find((n) => n.name === 'newConsumer')?.data as { producerId: string; peerId: string; source: string };
    expect(consumerNote).toMatchObject({ producerId, peerId: 'a', source: 'mic' });
    expect(b.peer.consumers.size).toBe(1);
    await room.setProducerPaused(a.peer, producerId, true);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.received.some((n) => n.name === 'consumerPaused')).toBe(true);
    expect(b.received.some((n) => n.name === 'peerUpdated')).toBe(true);
    await expect(room.ready(b.peer, room.router.rtpCapabilities as types.RtpCapabilities)).rejects.toMatchObject({ code: 'conflict' });
    room.closeProducer(a.peer, producerId);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.received.some((n) => n.name === 'consumerClosed')).toBe(true);
    expect(b.peer.consumers.size).toBe(0);
    room.close();
  });

  it('closes a leaving peer’s transports, tells the others, and reports an empty room', async () => {
    let emptied = false;
    const room = await newRoom(() => {
      emptied = true;
    });
    const a = recordingPeer('a');
    const b = recordingPeer('b');
    room.join(a.peer);
    room.join(b.peer);
    await room.createTransport(b.peer, 'send');
    await room.createTransport(b.peer, 'recv');
    expect((await room.router.dump()).transportIds).toHaveLength(2);
    room.leave(b.peer);
    expect((await room.router.dump()).transportIds).toHaveLength(0);
    expect(a.received.at(-1)).toEqual({ name: 'peerLeft', data: { peerId: 'b' } });
    await expect(room.createTransport(b.peer, 'send')).rejects.toMatchObject({ code: 'not_joined' });
    room.leave(a.peer);
    expect(emptied).toBe(true);
    room.close();
  });
});
