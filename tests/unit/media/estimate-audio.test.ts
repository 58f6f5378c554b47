/**
 * The bandwidth policy takes audio off a receiver's estimate only for the audio that estimate
 * measures (bandwidth-policy.ts `audioInEstimate`): the worker's transport-cc estimate is built from
 * the packets that carry the transport-cc extension. Checked here on real consumers of a real
 * worker, made by the room with the capabilities a Chromium reports: mediasoup 3.27 puts the
 * extension on the video it sends and on none of the audio (its capability for audio is
 * 'recvonly'), so the estimate is video's. If a later mediasoup sends it on audio too, the first
 * expectation fails and the policy counts that audio again by itself.
 */
import { describe, expect, it } from 'vitest';
import type { Notifications } from '../../../common/protocol';
import { audioInEstimate, TRANSPORT_CC_URI } from '../../../sfu-server/src/media/bandwidth-policy';
import { newRoom, recordingPeer, useWorker } from './support/room-fixture';

const worker = useWorker();

describe('the audio a receiver estimate measures', () => {
  it('is none of its audio consumers, while its video consumers carry transport-cc', async () => {
    const room = await newRoom(worker());
    try {
      const { peer: speaker } = recordingPeer('a');
      const { peer: point, received } = recordingPeer('b', { level: 'commune', headcount: 10 });
      room.join(speaker);
      room.join(point);
      const send = await room.createTransport(speaker, 'send');
      const tcc = room.router.rtpCapabilities.headerExtensions!.filter((e) => e.uri === TRANSPORT_CC_URI);
      await room.produce(speaker, {
        transportId: send.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc' }] }],
          encodings: [{ ssrc: 3333 }],
          headerExtensions: tcc.filter((e) => e.kind === 'audio').map((e) => ({ uri: e.uri, id: e.preferredId })),
          rtcp: { cname: 'c3333' },
        },
      });
      await room.produce(speaker, {
        transportId: send.id,
        kind: 'video',
        source: 'webcam',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'transport-cc' }, { type: 'nack' }] }],
          encodings: [{ ssrc: 4444 }],
          headerExtensions: tcc.filter((e) => e.kind === 'video').map((e) => ({ uri: e.uri, id: e.preferredId })),
          rtcp: { cname: 'c3333' },
        },
      });
      await room.createTransport(point, 'recv');
      await room.ready(point, room.router.rtpCapabilities);
      const made = received.filter((n) => n.name === 'newConsumer').map((n) => n.data as Notifications['newConsumer']);
      const audio = made.filter((c) => c.kind === 'audio');
      const video = made.filter((c) => c.kind === 'video');
      expect(audio).toHaveLength(1);
      expect(video).toHaveLength(1);
      const hasCc = (c: Notifications['newConsumer']) => (c.rtpParameters.headerExtensions ?? []).some((e) => e.uri === TRANSPORT_CC_URI);
      expect(audio.map(hasCc)).toEqual([false]);
      expect(video.map(hasCc)).toEqual([true]);
      expect(audioInEstimate([...point.consumers.values()])).toBe(0);
    } finally {
      room.close();
    }
  });
});
