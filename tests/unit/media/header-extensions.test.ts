/**
 * `abs-capture-time` is neither offered to clients nor taken from them (see
 * sfu-server/src/media/header-extensions.ts and tests/e2e/simulcast-switch.spec.ts for what it
 * broke): the router's capabilities as sent on join, a producer's parameters and a client's
 * capabilities, checked against a real mediasoup worker.
 */
import type { types } from 'mediasoup';
import { describe, expect, it } from 'vitest';
import { ABS_CAPTURE_TIME_URI, offeredRtpCapabilities, withOfferedExtensions } from '../../../sfu-server/src/media/header-extensions';
import { mediaCodecs } from '../../../sfu-server/src/media/media-codecs';
import { newRoom, recordingPeer, useWorker } from './support/room-fixture';

const worker = useWorker();

const uris = (exts: { uri: string }[] | undefined) => (exts ?? []).map((e) => e.uri);

describe('header extensions offered to clients', () => {
  it("leaves abs-capture-time out of the router's capabilities and keeps the others", async () => {
    const router = await worker().createRouter({ mediaCodecs });
    // mediasoup itself offers it: this is what the server must take out.
    expect(uris(router.rtpCapabilities.headerExtensions)).toContain(ABS_CAPTURE_TIME_URI);
    const offered = offeredRtpCapabilities(router.rtpCapabilities);
    expect(uris(offered.headerExtensions)).not.toContain(ABS_CAPTURE_TIME_URI);
    expect(uris(offered.headerExtensions)).toEqual(uris(router.rtpCapabilities.headerExtensions).filter((u) => u !== ABS_CAPTURE_TIME_URI));
    expect(offered.codecs).toEqual(router.rtpCapabilities.codecs);
    router.close();
  });

  it('strips it from what a producer sends even when a client adds it', async () => {
    const room = await newRoom(worker());
    const { peer } = recordingPeer('a');
    room.join(peer);
    const transport = await room.createTransport(peer, 'send');
    const producerId = await room.produce(peer, {
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
        encodings: [{ ssrc: 1111 }],
        headerExtensions: [
          { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
          { uri: ABS_CAPTURE_TIME_URI, id: 5 },
        ],
        rtcp: { cname: 'c1111' },
      },
    });
    expect(uris(peer.producer(producerId).rtpParameters.headerExtensions)).toEqual(['urn:ietf:params:rtp-hdrext:sdes:mid']);
    room.close();
  });

  it("strips it from a client's own capabilities and leaves parameters without extensions alone", () => {
    const caps = { codecs: [], headerExtensions: [{ kind: 'video' as const, uri: ABS_CAPTURE_TIME_URI as types.RtpHeaderExtensionUri, preferredId: 15 }] };
    expect(withOfferedExtensions(caps).headerExtensions).toEqual([]);
    const bare: { codecs: never[]; headerExtensions?: { uri: string }[] } = { codecs: [] };
    expect(withOfferedExtensions(bare)).toBe(bare);
  });
});
