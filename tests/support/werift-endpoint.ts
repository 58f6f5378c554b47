/**
 * A werift WebRTC peer bound to one of the server's WebRTC transports through our signaling: ICE
 * and DTLS-SRTP for real. It can send VP8 RTP (a producer) and counts the SRTP packets it receives
 * by SSRC (consumers). Used by tests that need media to really flow.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import type { ResponseData } from '../../common/protocol';
import type { TestSignalingClient } from './signaling-test-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WeriftEndpoint {
  pc: RTCPeerConnection;
  track: MediaStreamTrack;
  ssrc: number;
  mid: string;
  /** Decrypted RTP packets received, by SSRC. */
  received: Map<number, number>;
  /** Sends `count` small VP8 keyframe-like packets, `intervalMs` apart. */
  sendVideo(count: number, intervalMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function connectWerift(client: TestSignalingClient, t: ResponseData<'createWebRtcTransport'>): Promise<WeriftEndpoint> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [], video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 101 })] },
    headerExtensions: { audio: [], video: [] },
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceFilterCandidatePair: (pair) => pair.localCandidate.host === '127.0.0.1' && pair.remoteCandidate.host === '127.0.0.1',
    bundlePolicy: 'max-bundle',
  });
  const track = new MediaStreamTrack({ kind: 'video' });
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  for (let i = 0; i < 50 && pc.iceGatheringState !== 'complete'; i++) await sleep(100);
  const offer = pc.localDescription!.sdp;
  const fingerprint = /a=fingerprint:sha-256 (\S+)/.exec(offer)![1]!;
  const mid = /a=mid:(\S+)/.exec(offer)![1]!;
  await client.request('connectWebRtcTransport', { transportId: t.id, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] } });
  const answer = mediasoupAnswer(t, mid, 'sendrecv');
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  const received = new Map<number, number>();
  const hook = () => {
    for (const dtls of pc.dtlsTransports) {
      dtls.onRtp.subscribe((packet) => received.set(packet.header.ssrc, (received.get(packet.header.ssrc) ?? 0) + 1));
    }
  };
  hook();
  const ssrc = transceiver.sender.ssrc;
  let seq = 1000;
  return {
    pc,
    track,
    ssrc,
    mid,
    received,
    async sendVideo(count, intervalMs = 10) {
      for (let i = 0; i < count; i++) {
        const n = seq++;
        const vp8 = Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, ...Buffer.alloc(200, n & 0xff)]);
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 101, sequenceNumber: n & 0xffff, timestamp: 3000 * n, marker: true, ssrc }), vp8));
        await sleep(intervalMs);
      }
    },
    async close() {
      await pc.close();
    },
  };
}

/** The producer parameters for what `sendVideo` sends. */
export function weriftVideoParameters(endpoint: WeriftEndpoint) {
  return {
    mid: endpoint.mid,
    codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: [{ ssrc: endpoint.ssrc }],
    rtcp: { cname: `werift-${endpoint.ssrc}`, reducedSize: true },
  };
}

/** The SDP answer of a mediasoup WebRTC transport (ICE-lite, DTLS passive, one VP8 m-line), for a werift offer. */
export function mediasoupAnswer(t: ResponseData<'createWebRtcTransport'>, mid: string, direction: 'sendrecv' | 'recvonly'): string {
  const serverFp = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!.value;
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mid}`,
    'm=video 7 UDP/TLS/RTP/SAVPF 101',
    'c=IN IP4 127.0.0.1',
    `a=ice-ufrag:${t.iceParameters.usernameFragment}`,
    `a=ice-pwd:${t.iceParameters.password}`,
    ...t.iceCandidates.filter((c) => c.protocol === 'udp').map((c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address} ${c.port} typ ${c.type}`),
    'a=end-of-candidates',
    `a=fingerprint:sha-256 ${serverFp}`,
    'a=setup:passive',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    `a=mid:${mid}`,
    `a=${direction}`,
    'a=rtpmap:101 VP8/90000',
    '',
  ].join('\r\n');
}
