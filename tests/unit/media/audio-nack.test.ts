/**
 * Audio consumers keep NACK (issue 12, "audio survives random loss"): mediasoup strips plain
 * `nack` from a consumer unless `enableRtx` is set, and its default sets it for video only, so
 * a point's lost speech packets were never asked for again (the weak-link bench showed 0 NACKs
 * and concealment equal to the link's loss). Checked on the parameters a receiver is sent, with
 * the capabilities mediasoup-client reports for Chromium (it adds `nack` to opus), against a
 * real worker.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWorkerBin } from '../../../scripts/mediasoup-worker/worker-path.mjs';
import type { Notifications } from '../../../common/protocol';
import { mediaCodecs } from '../../../sfu-server/src/media/media-codecs';
import { Peer } from '../../../sfu-server/src/media/peer';
import { Room } from '../../../sfu-server/src/media/room';
import { createLogger } from '../../../sfu-server/src/observability/logger';

let worker: types.Worker;

beforeAll(async () => {
  const workerBin = process.env.MEDIASOUP_WORKER_BIN ?? resolveWorkerBin(process.cwd()) ?? undefined;
  worker = await mediasoup.createWorker({ logLevel: 'error', ...(workerBin ? { workerBin } : {}) });
});
afterAll(() => worker?.close());

function peer(id: string, received: { name: string; data: unknown }[] = []): Peer {
  return new Peer({
    id,
    accountId: `account-${id}`,
    role: 'delegate',
    displayName: `Người ${id}`,
    pointName: `Điểm ${id}`,
    unitName: 'UBND xã',
    level: 'commune',
    headcount: 10,
    notify: <N extends keyof Notifications>(name: N, data: Notifications[N]) => void received.push({ name, data }),
  });
}

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
    const router = await worker.createRouter({ mediaCodecs });
    const room = new Room({
      name: 'phong-thu',
      router,
      maxPeers: 3,
      logger: createLogger('silent'),
      onEmpty: () => {},
      transport: { listenIp: '127.0.0.1', announcedAddress: undefined, portRange: { min: 45000, max: 45999 }, initialAvailableOutgoingBitrate: 600_000 },
    });
    try {
      const speaker = peer('a');
      const receivedByPoint: { name: string; data: unknown }[] = [];
      const point = peer('b', receivedByPoint);
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
      await room.ready(point, chromiumCapabilities(router));
      const note = receivedByPoint.find((n) => n.name === 'newConsumer')?.data as Notifications['newConsumer'] | undefined;
      expect(note?.kind).toBe('audio');
      const opus = note!.rtpParameters.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus');
      expect(opus?.rtcpFeedback).toContainEqual({ type: 'nack', parameter: '' });
    } finally {
      room.close();
    }
  });
});
