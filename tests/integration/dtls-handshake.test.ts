/**
 * A real ICE + DTLS-SRTP handshake with the server's mediasoup worker, through our signaling:
 * `werift` (a WebRTC stack in TypeScript) plays the client, sends SRTP video, and the server's
 * producer counts the packets. This is the test that catches the DTLS crash of a worker built
 * against Debian's OpenSSL (see scripts/mediasoup-worker/README.md).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { mediasoupAnswer } from '../support/werift-endpoint';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('completes ICE and DTLS with a WebRTC peer and receives its SRTP media', async () => {
  const admin = await TestApi.admin(server.url);
  const point = await person(admin, 'operator', 'Werift');
  const meeting = await liveMeeting(admin, [point]);
  const client = await TestSignalingClient.connect(server.url, point.token);
  await client.request('join', { meetingId: meeting.id });
  const t = await client.request('createWebRtcTransport', { direction: 'send' });

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
  const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  for (let i = 0; i < 50 && pc.iceGatheringState !== 'complete'; i++) await sleep(100);
  const offer = pc.localDescription!.sdp;
  const fingerprint = /a=fingerprint:sha-256 (\S+)/.exec(offer)![1]!;
  const mid = /a=mid:(\S+)/.exec(offer)![1]!;
  const ssrc = transceiver.sender.ssrc;

  // werift is the DTLS client; the worker answers as DTLS server (ServerHello: where the crash was).
  await client.request('connectWebRtcTransport', {
    transportId: t.id,
    dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] },
  });
  const { id: producerId } = await client.request('produce', {
    transportId: t.id,
    kind: 'video',
    source: 'webcam',
    rtpParameters: {
      mid,
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [] }],
      headerExtensions: [],
      encodings: [{ ssrc }],
      rtcp: { cname: 'werift', reducedSize: true },
    },
  });

  const answer = mediasoupAnswer(t, mid, 'recvonly');
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });

  const room = await server.rooms.get(meeting.id);
  const peer = [...room.peers.values()][0]!;
  const transport = peer.webRtcTransport(t.id);
  for (let i = 0; i < 100 && transport.dtlsState !== 'connected'; i++) await sleep(100);
  expect(transport.dtlsState).toBe('connected');

  const packets = 60;
  for (let i = 0; i < packets; i++) {
    const vp8 = Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, ...Buffer.alloc(200, i)]);
    track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 101, sequenceNumber: 1000 + i, timestamp: 3000 * i, marker: true, ssrc }), vp8));
    await sleep(10);
  }
  const producer = peer.producer(producerId);
  let received = 0;
  for (let i = 0; i < 30 && received < packets * 0.95; i++) {
    await sleep(100);
    received = (await producer.getStats())[0]?.packetCount ?? 0;
  }
  expect(received).toBeGreaterThanOrEqual(packets * 0.95);

  await pc.close();
  client.close();
  await sleep(300);
  // The worker survived the handshake, the media and the peer going away.
  expect(server.pool.alive).toBe(1);
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as { workers: { alive: number } };
  expect(health.workers.alive).toBe(1);
});
