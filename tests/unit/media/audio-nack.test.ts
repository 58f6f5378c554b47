/**
 * Audio consumers keep NACK (issue 12, "audio survives random loss"): mediasoup strips plain
 * `nack` from a consumer unless `enableRtx` is set, and its default sets it for video only, so
 * a point's lost speech packets were never asked for again (the weak-link bench showed 0 NACKs
 * and concealment equal to the link's loss). Checked on the parameters a receiver is sent, with
 * the capabilities mediasoup-client reports for Chromium (it adds `nack` to opus), against a
 * real worker.
 */
import type { types } from 'mediasoup';
import { describe, expect, it } from 'vitest';
import type { Notifications } from '../../../common/protocol';
import { newRoom, recordingPeer, useWorker } from './support/room-fixture';

const worker = useWorker();

/** What mediasoup-client's Chromium handler reports: the router's codecs, opus with `nack` added. */
function chromiumCapabilities(router: types.Router): types.RtpCapabilities {
  const caps = structuredClone(router.rtpCapabilities);
  for (const codec of caps.codecs ?? []) {
    if (codec.mimeType.toLowerCase() === 'audio/opus' && !codec.rtcpFeedback?.some((f) => f.type === 'nack' && !f.parameter)) {
      codec.rtcpFeedback = [...(codec.rtcpFeedback ?? []), { type: 'nack' }];
    }
  }
  return caps;
}

describe('audio consumers', () => {
  it('are given NACK, so lost speech packets are resent from the worker', async () => {
    const room = await newRoom(worker());
    try {
      const { peer: speaker } = recordingPeer('a');
      const { peer: point, received: receivedByPoint } = recordingPeer('b', { level: 'commune', headcount: 10 });
      room.join(speaker);
      room.join(point);
      const send = await room.createTransport(speaker, 'send');
      await room.produce(speaker, {
        transportId: send.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [{ type: 'nack' }, { type: 'transport-cc' }] }],
          encodings: [{ ssrc: 2222 }],
          headerExtensions: [],
          rtcp: { cname: 'c2222' },
        },
      });
      await room.createTransport(point, 'recv');
      await room.ready(point, chromiumCapabilities(room.router));
      const note = receivedByPoint.find((n) => n.name === 'newConsumer')?.data as Notifications['newConsumer'] | undefined;
      expect(note?.kind).toBe('audio');
      const opus = note!.rtpParameters.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus');
      expect(opus?.rtcpFeedback).toContainEqual({ type: 'nack', parameter: '' });
    } finally {
      room.close();
    }
  });
});
