/** Our link's figures from getStats() entries (renderer/.../link/link-figures.ts). */
import { expect, it } from 'vitest';
import { linkFigures, type StatsEntry } from '../../../renderer/src/features/conference/link/link-figures';

const e = (type: string, id: string, fields: Record<string, unknown>): StatsEntry => ({ type, id, ...fields });

const sendStats = [
  e('transport', 'T1', { selectedCandidatePairId: 'CP1' }),
  e('candidate-pair', 'CP1', { currentRoundTripTime: 0.42, availableOutgoingBitrate: 210_000, nominated: true, state: 'succeeded' }),
  e('candidate-pair', 'CP2', { currentRoundTripTime: 0.01, nominated: false, state: 'failed' }),
  e('outbound-rtp', 'OA', { kind: 'audio', packetsSent: 100 }),
  e('outbound-rtp', 'OV', { kind: 'video', packetsSent: 300, framesPerSecond: 20, qualityLimitationReason: 'bandwidth' }),
  e('remote-inbound-rtp', 'RA', { localId: 'OA', fractionLost: 0.02 }),
  e('remote-inbound-rtp', 'RV', { localId: 'OV', fractionLost: 0.06 }),
];

const recv = (received: number, lost: number, bytes: number) => [
  e('transport', 'T2', { selectedCandidatePairId: 'CPR' }),
  e('candidate-pair', 'CPR', { currentRoundTripTime: 0.4 }),
  e('inbound-rtp', 'IA', { kind: 'audio', mid: '0', packetsReceived: received, packetsLost: lost, bytesReceived: bytes }),
  e('inbound-rtp', 'IV', { kind: 'video', mid: '1', packetsReceived: received, packetsLost: lost, bytesReceived: bytes, framesPerSecond: 12 }),
  // mediasoup-client's probation stream: never counted.
  e('inbound-rtp', 'IP', { kind: 'video', mid: 'probator', packetsReceived: 1_000_000, packetsLost: 500_000, bytesReceived: 1 }),
];

it('reads the send side: loss weighted by packets, round trip of the selected pair, the bandwidth estimate', () => {
  const f = linkFigures(sendStats, recv(0, 0, 0), null, 1000);
  // Speech and video apart: the microphone's report, the camera's.
  expect(f.send.loss).toBeCloseTo(0.02);
  expect(f.send.videoLoss).toBeCloseTo(0.06);
  expect(f.send.rttMs).toBeCloseTo(420);
  expect(f.send.bitrate).toBe(210_000);
  expect(f.send.limitedByBandwidth).toBe(true);
  expect(f.send.sendingVideo).toBe(true);
  // First snapshot: no window yet on the receive side.
  expect(f.recv.loss).toBeNull();
  expect(f.recv.bitrate).toBeNull();
});

it('reads the receive side over the window between two snapshots, leaving out the probator', () => {
  const first = linkFigures(sendStats, recv(1000, 10, 100_000), null, 1000);
  const second = linkFigures(sendStats, recv(1190, 20, 150_000), first.counters, 3000);
  // Per kind: 10 lost / (190 received + 10 lost)
  expect(second.recv.loss).toBeCloseTo(10 / 200);
  expect(second.recv.videoLoss).toBeCloseTo(10 / 200);
  expect(second.recv.bitrate).toBeCloseTo((100_000 * 8) / 2);
  expect(second.recv.rttMs).toBeCloseTo(400);
  expect(second.recv.receivingVideo).toBe(true);
});

it('takes counters that went backwards (streams replaced) or too few packets as no measurement', () => {
  const first = linkFigures(sendStats, recv(1000, 10, 100_000), null, 1000);
  expect(linkFigures(sendStats, recv(500, 5, 50_000), first.counters, 3000).recv.loss).toBeNull();
  expect(linkFigures(sendStats, recv(1005, 10, 100_500), first.counters, 3000).recv.loss).toBeNull();
});

it('keeps speech loss apart from video loss on the receive side', () => {
  const stats = (audio: [number, number], video: [number, number]) => [
    e('inbound-rtp', 'IA', { kind: 'audio', mid: '0', packetsReceived: audio[0], packetsLost: audio[1], bytesReceived: 0 }),
    e('inbound-rtp', 'IV', { kind: 'video', mid: '1', packetsReceived: video[0], packetsLost: video[1], bytesReceived: 0 }),
  ];
  const first = linkFigures(sendStats, stats([0, 0], [0, 0]), null, 0);
  // 2 s: 100 speech packets, none lost; 400 video packets, 40 lost (pooled: 8 %).
  const f = linkFigures(sendStats, stats([100, 0], [360, 40]), first.counters, 2000);
  expect(f.recv.loss).toBe(0);
  expect(f.recv.videoLoss).toBeCloseTo(0.1);
  // No speech in the window: no speech loss measured.
  const g = linkFigures(sendStats, stats([100, 0], [700, 40]), f.counters, 4000);
  expect(g.recv.loss).toBeNull();
  expect(g.recv.videoLoss).toBe(0);
});
