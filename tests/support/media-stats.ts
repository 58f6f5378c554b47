/**
 * What a page of the app received and sent, read from its RTCPeerConnections' getStats(): the
 * weak-link test and benchmark compare two snapshots over one window (frames decoded, concealed
 * audio, jitter buffer) rather than timing anything. Streams are named by their sender, through the
 * conference engine's tracks (window.__phonghop); mediasoup-client's probation stream has no track
 * there and is left out.
 *
 * `installPeerConnectionProbe` must run before the page's scripts (context.addInitScript).
 */
import type { BrowserContext, Page } from '@playwright/test';

export interface StreamSnapshot {
  /** Sender's display name ('' if unknown), kind and source of the track. */
  from: string;
  kind: 'audio' | 'video';
  source: string;
  trackId: string;
  timestamp: number;
  packetsReceived: number;
  packetsLost: number;
  nackCount: number;
  bytesReceived: number;
  // video
  framesDecoded: number;
  frameHeight: number;
  freezeCount: number;
  // audio
  concealedSamples: number;
  totalSamplesReceived: number;
  /** Audio packets that came too late for the jitter buffer (e.g. a retransmission after playout). */
  packetsDiscarded: number;
  fecPacketsReceived: number;
  /** Cumulative target delay (s), over jitterBufferEmittedCount. */
  jitterBufferTargetDelay: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  audioLevel: number;
  totalAudioEnergy: number;
}

export interface OutboundSnapshot {
  kind: string;
  rid: string;
  framesEncoded: number;
  frameHeight: number;
  packetsSent: number;
  qualityLimitationReason: string;
  timestamp: number;
}

export interface PageSnapshot {
  at: number;
  inbound: StreamSnapshot[];
  outbound: OutboundSnapshot[];
  /** Selected ICE candidate pairs: the local candidate's protocol (udp/tcp) per connection. */
  protocols: string[];
  /** Negotiated SRTP ciphers per connection (e.g. AEAD_AES_256_GCM). */
  srtpCiphers: string[];
  /** The local candidate of each connection's selected pair: host/srflx/relay, and for a relay how the browser reaches the TURN server (udp/tcp/tls). */
  selectedLocal: { candidateType: string; protocol: string; relayProtocol: string }[];
}

declare global {
  interface Window {
    __wlPcs?: RTCPeerConnection[];
  }
}

/** Keeps every RTCPeerConnection the page makes, so its statistics can be read. */
export async function installPeerConnectionProbe(context: BrowserContext): Promise<void> {
  // tsx compiles with keepNames: the functions sent to the page call esbuild's __name helper.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    window.__wlPcs = pcs;
    class Probed extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    }
    window.RTCPeerConnection = Probed;
  });
}

/** One snapshot of everything the page's connections report now. */
export async function snapshot(page: Page): Promise<PageSnapshot> {
  return page.evaluate(async () => {
    interface EngineLike {
      getState(): { peers: { info: { displayName: string }; tracks: { kind: 'audio' | 'video'; source: string; track: MediaStreamTrack }[] }[] };
    }
    const engine = (window as unknown as { __phonghop?: { engine: EngineLike } }).__phonghop?.engine;
    const owners = new Map<string, { from: string; kind: 'audio' | 'video'; source: string }>();
    for (const peer of engine?.getState().peers ?? []) {
      for (const t of peer.tracks) owners.set(t.track.id, { from: peer.info.displayName, kind: t.kind, source: t.source });
    }
    const inbound: StreamSnapshot[] = [];
    const outbound: OutboundSnapshot[] = [];
    const protocols: string[] = [];
    const srtpCiphers: string[] = [];
    const selectedLocal: { candidateType: string; protocol: string; relayProtocol: string }[] = [];
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    for (const pc of window.__wlPcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
      for (const s of byId.values()) {
        if (s['type'] === 'inbound-rtp') {
          const owner = owners.get(String(s['trackIdentifier']));
          if (!owner) continue; // probation stream, or a track that left
          inbound.push({
            ...owner,
            trackId: String(s['trackIdentifier']),
            timestamp: n(s['timestamp']),
            packetsReceived: n(s['packetsReceived']),
            packetsLost: n(s['packetsLost']),
            nackCount: n(s['nackCount']),
            bytesReceived: n(s['bytesReceived']),
            framesDecoded: n(s['framesDecoded']),
            frameHeight: n(s['frameHeight']),
            freezeCount: n(s['freezeCount']),
            concealedSamples: n(s['concealedSamples']),
            totalSamplesReceived: n(s['totalSamplesReceived']),
            packetsDiscarded: n(s['packetsDiscarded']),
            fecPacketsReceived: n(s['fecPacketsReceived']),
            jitterBufferTargetDelay: n(s['jitterBufferTargetDelay']),
            jitterBufferDelay: n(s['jitterBufferDelay']),
            jitterBufferEmittedCount: n(s['jitterBufferEmittedCount']),
            audioLevel: n(s['audioLevel']),
            totalAudioEnergy: n(s['totalAudioEnergy']),
          });
        } else if (s['type'] === 'outbound-rtp') {
          outbound.push({
            kind: String(s['kind']),
            rid: String(s['rid'] ?? ''),
            framesEncoded: n(s['framesEncoded']),
            frameHeight: n(s['frameHeight']),
            packetsSent: n(s['packetsSent']),
            qualityLimitationReason: String(s['qualityLimitationReason'] ?? ''),
            timestamp: n(s['timestamp']),
          });
        } else if (s['type'] === 'transport') {
          if (typeof s['srtpCipher'] === 'string') srtpCiphers.push(s['srtpCipher']);
          const pair = byId.get(String(s['selectedCandidatePairId']));
          const local = pair ? byId.get(String(pair['localCandidateId'])) : undefined;
          if (local) {
            protocols.push(String(local['protocol']));
            selectedLocal.push({ candidateType: String(local['candidateType']), protocol: String(local['protocol']), relayProtocol: String(local['relayProtocol'] ?? '') });
          }
        }
      }
    }
    return { at: performance.now(), inbound, outbound, protocols, srtpCiphers, selectedLocal };
  });
}

export interface VideoFigures {
  from: string;
  source: string;
  fps: number;
  height: number;
  freezes: number;
}

export interface AudioFigures {
  /** Concealed samples / samples received over the window, percent (all received audio). */
  concealedPct: number;
  /** Mean jitter buffer delay over the window, ms. */
  jitterBufferMs: number;
  packetsReceived: number;
  nacks: number;
  /** Energy received over the window (0: silence or nothing). */
  energy: number;
  /** Packets lost for good (after retransmission), discarded as too late, and FEC packets received, over the window. */
  packetsLost: number;
  packetsDiscarded: number;
  fecPackets: number;
  /** Mean jitter buffer target delay over the window, ms. */
  jitterTargetMs: number;
  /** Audio streams received over the window. */
  streams: number;
}

/** Figures of the window between two snapshots of one page. */
export function figures(a: PageSnapshot, b: PageSnapshot): { video: VideoFigures[]; audio: AudioFigures } {
  const before = new Map(a.inbound.map((s) => [s.trackId, s]));
  const video: VideoFigures[] = [];
  let concealed = 0;
  let samples = 0;
  let jbDelay = 0;
  let jbCount = 0;
  let packets = 0;
  let nacks = 0;
  let energy = 0;
  let lost = 0;
  let discarded = 0;
  let fec = 0;
  let target = 0;
  let streams = 0;
  for (const s of b.inbound) {
    const p = before.get(s.trackId);
    if (!p) continue;
    const seconds = (s.timestamp - p.timestamp) / 1000;
    if (s.kind === 'video') {
      video.push({ from: s.from, source: s.source, fps: seconds > 0 ? (s.framesDecoded - p.framesDecoded) / seconds : 0, height: s.frameHeight, freezes: s.freezeCount - p.freezeCount });
    } else {
      concealed += s.concealedSamples - p.concealedSamples;
      samples += s.totalSamplesReceived - p.totalSamplesReceived;
      jbDelay += s.jitterBufferDelay - p.jitterBufferDelay;
      jbCount += s.jitterBufferEmittedCount - p.jitterBufferEmittedCount;
      packets += s.packetsReceived - p.packetsReceived;
      nacks += s.nackCount - p.nackCount;
      energy += s.totalAudioEnergy - p.totalAudioEnergy;
      lost += s.packetsLost - p.packetsLost;
      discarded += s.packetsDiscarded - p.packetsDiscarded;
      fec += s.fecPacketsReceived - p.fecPacketsReceived;
      target += s.jitterBufferTargetDelay - p.jitterBufferTargetDelay;
      streams++;
    }
  }
  return {
    video,
    audio: {
      concealedPct: samples > 0 ? (100 * concealed) / samples : NaN,
      jitterBufferMs: jbCount > 0 ? (1000 * jbDelay) / jbCount : NaN,
      packetsReceived: packets,
      nacks,
      energy,
      packetsLost: lost,
      packetsDiscarded: discarded,
      fecPackets: fec,
      jitterTargetMs: jbCount > 0 ? (1000 * target) / jbCount : NaN,
      streams,
    },
  };
}
