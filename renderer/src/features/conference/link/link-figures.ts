/**
 * The figures of our own link, from two getStats() snapshots of each transport's
 * RTCPeerConnection (mediasoup-client's send and receive transports): loss and bitrate over the
 * window between them, round trip now. Pure (plain stats entries in, figures out), unit-tested.
 *
 * - Send: loss from the server's receiver reports (`remote-inbound-rtp.fractionLost`, the last
 *   report's fraction, averaged over our streams weighted by packets sent), round trip from the
 *   selected candidate pair, capacity from the bandwidth estimate (`availableOutgoingBitrate`).
 * - Receive: loss from `inbound-rtp` packetsLost/packetsReceived deltas (mediasoup-client's
 *   probation stream, `probator`, is left out), bitrate from bytes received.
 * - Loss is kept apart for audio (`loss`: the speech, what the rating judges first) and video
 *   (`videoLoss`: a secondary sign), see common/link-quality.ts.
 */
import type { DirectionFigures } from '../../../../../common/link-quality';

export type StatsEntry = Record<string, unknown> & { type: string; id: string };

/** Packets received and lost so far, summed over the streams of one kind. */
export interface PacketCounts {
  received: number;
  lost: number;
}

/** Counters kept between two snapshots. */
export interface RecvCounters {
  at: number;
  audio: PacketCounts;
  video: PacketCounts;
  bytesReceived: number;
}

/** Fewest packets of one kind in a window for its loss to count. */
export const MIN_PACKETS = 20;

export interface LinkFigures {
  send: DirectionFigures & { limitedByBandwidth: boolean; sendingVideo: boolean };
  recv: DirectionFigures & { receivingVideo: boolean };
  counters: RecvCounters;
}

const num = (e: StatsEntry | undefined, k: string): number | null => (typeof e?.[k] === 'number' && Number.isFinite(e[k]) ? (e[k] as number) : null);

function selectedPair(entries: readonly StatsEntry[]): StatsEntry | undefined {
  const transport = entries.find((e) => e.type === 'transport' && typeof e['selectedCandidatePairId'] === 'string');
  const byId = transport ? entries.find((e) => e.id === transport['selectedCandidatePairId']) : undefined;
  return byId ?? entries.find((e) => e.type === 'candidate-pair' && e['nominated'] === true && e['state'] === 'succeeded');
}

export function linkFigures(sendEntries: readonly StatsEntry[], recvEntries: readonly StatsEntry[], previous: RecvCounters | null, now: number): LinkFigures {
  // ---- send
  const sendPair = selectedPair(sendEntries);
  const outbound = sendEntries.filter((e) => e.type === 'outbound-rtp');
  const weighted = { audio: { loss: 0, weight: 0 }, video: { loss: 0, weight: 0 } };
  for (const remote of sendEntries.filter((e) => e.type === 'remote-inbound-rtp')) {
    const fraction = num(remote, 'fractionLost');
    if (fraction === null) continue;
    const local = outbound.find((o) => o.id === remote['localId']);
    const kind = (remote['kind'] ?? local?.['kind']) === 'audio' ? 'audio' : 'video';
    const weight = Math.max(1, num(local, 'packetsSent') ?? 1);
    weighted[kind].loss += fraction * weight;
    weighted[kind].weight += weight;
  }
  const sendLoss = (k: 'audio' | 'video') => (weighted[k].weight > 0 ? weighted[k].loss / weighted[k].weight : null);
  const sendingVideo = outbound.some((o) => o['kind'] === 'video' && (num(o, 'framesPerSecond') ?? 0) > 0);
  const limitedByBandwidth = outbound.some((o) => o['kind'] === 'video' && o['qualityLimitationReason'] === 'bandwidth');
  const sendRtt = num(sendPair, 'currentRoundTripTime');
  const send = {
    loss: sendLoss('audio'),
    videoLoss: sendLoss('video'),
    rttMs: sendRtt === null ? null : sendRtt * 1000,
    bitrate: num(sendPair, 'availableOutgoingBitrate'),
    limitedByBandwidth,
    sendingVideo,
  };

  // ---- receive
  const recvPair = selectedPair(recvEntries);
  const inbound = recvEntries.filter((e) => e.type === 'inbound-rtp' && e['mid'] !== 'probator' && !String(e['trackIdentifier'] ?? '').startsWith('probator'));
  const counters: RecvCounters = { at: now, audio: { received: 0, lost: 0 }, video: { received: 0, lost: 0 }, bytesReceived: 0 };
  let receivingVideo = false;
  for (const e of inbound) {
    const of = e['kind'] === 'audio' ? counters.audio : counters.video;
    of.received += num(e, 'packetsReceived') ?? 0;
    of.lost += Math.max(0, num(e, 'packetsLost') ?? 0);
    counters.bytesReceived += num(e, 'bytesReceived') ?? 0;
    if (e['kind'] === 'video' && (num(e, 'framesPerSecond') ?? 0) > 0) receivingVideo = true;
  }
  let loss: number | null = null;
  let videoLoss: number | null = null;
  let bitrate: number | null = null;
  if (previous && now > previous.at) {
    const lossOf = (k: 'audio' | 'video'): number | null => {
      const received = counters[k].received - previous[k].received;
      const lost = counters[k].lost - previous[k].lost;
      // Counters restart when streams come and go: a negative delta is no measurement.
      return received >= 0 && lost >= 0 && received + lost >= MIN_PACKETS ? lost / (received + lost) : null;
    };
    loss = lossOf('audio');
    videoLoss = lossOf('video');
    const bytes = counters.bytesReceived - previous.bytesReceived;
    if (bytes >= 0) bitrate = (bytes * 8 * 1000) / (now - previous.at);
  }
  const recvRtt = num(recvPair, 'currentRoundTripTime') ?? sendRtt;
  return {
    send,
    recv: { loss, videoLoss, rttMs: recvRtt === null ? null : recvRtt * 1000, bitrate, receivingVideo },
    counters,
  };
}
