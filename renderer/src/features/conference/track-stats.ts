/** Reads an RTCStatsReport of one receiver into the figures the connection panel shows. */

export interface TrackStats {
  width: number | null;
  height: number | null;
  framesPerSecond: number | null;
  framesDecoded: number | null;
  bytesReceived: number;
  /** Bits per second since the previous reading of the same consumer. */
  bitrate: number | null;
  packetsReceived: number;
  packetsLost: number;
  /** Lost / (received + lost), in percent, over the life of the stream. */
  lossPercent: number;
  roundTripTimeMs: number | null;
}

const previous = new Map<string, { bytes: number; at: number }>();

type StatsEntry = Record<string, unknown> & { type: string; id: string };

export function readTrackStats(key: string, report: RTCStatsReport): TrackStats {
  let inbound: StatsEntry | undefined;
  let pair: StatsEntry | undefined;
  report.forEach((entry: StatsEntry) => {
    if (entry.type === 'inbound-rtp') inbound = entry;
    if (entry.type === 'candidate-pair' && (entry['nominated'] === true || entry['state'] === 'succeeded')) {
      if (!pair || entry['nominated'] === true) pair = entry;
    }
  });
  const num = (e: StatsEntry | undefined, k: string): number | null => (typeof e?.[k] === 'number' ? (e[k] as number) : null);
  const bytes = num(inbound, 'bytesReceived') ?? 0;
  const at = num(inbound, 'timestamp') ?? performance.now();
  const prev = previous.get(key);
  previous.set(key, { bytes, at });
  const bitrate = prev && at > prev.at ? Math.max(0, ((bytes - prev.bytes) * 8 * 1000) / (at - prev.at)) : null;
  const received = num(inbound, 'packetsReceived') ?? 0;
  const lost = Math.max(0, num(inbound, 'packetsLost') ?? 0);
  const rtt = num(pair, 'currentRoundTripTime');
  return {
    width: num(inbound, 'frameWidth'),
    height: num(inbound, 'frameHeight'),
    framesPerSecond: num(inbound, 'framesPerSecond'),
    framesDecoded: num(inbound, 'framesDecoded'),
    bytesReceived: bytes,
    bitrate,
    packetsReceived: received,
    packetsLost: lost,
    lossPercent: received + lost > 0 ? (lost * 100) / (received + lost) : 0,
    roundTripTimeMs: rtt === null ? null : rtt * 1000,
  };
}
