/** One participant in a room: its transports, producers and consumers. */
import type { types } from 'mediasoup';
import type { MediaSource, Notifications, PeerInfo, ReceiveMode, TileView } from '../../../common/protocol';
import { notFound } from '../errors';
import type { StreamPlan } from './bandwidth-policy';
import { initialReach, type ReachState } from './bandwidth-reach';

export type Notify = <N extends keyof Notifications>(name: N, data: Notifications[N]) => void;

/** Who a peer is, as the others see it: taken from the account, never from the client. */
export interface PeerIdentity {
  accountId: string;
  role: string;
  displayName: string;
  pointName: string;
  unitName: string;
  level: string | null;
  headcount: number | null;
}

export interface PeerInit extends PeerIdentity {
  id: string;
  notify: Notify;
  /** Sends an already encoded notification frame, when the connection can (see signaling/connection.ts). */
  sendFrame?: ((frame: string) => void) | undefined;
  /** Ends this peer's signaling connection (used when the same account joins again elsewhere). */
  disconnect?: (code?: number, reason?: string) => void;
}

/** What the room keeps on each consumer to decide whether it flows (see forwarding-policy.ts). */
export interface ConsumerData {
  [key: string]: unknown;
  /** The sender. */
  peerId: string;
  source: MediaSource;
  /** The client has not asked to resume it yet (or paused it itself). */
  clientPaused: boolean;
  /** The pause state last sent to the worker. */
  sentPaused: boolean;
  /** What the receiver was last told with `consumerForwarding` (a new consumer counts as forwarding). */
  forwarding: boolean;
  /** Preferred layers last sent, as "spatial/temporal". */
  layers: string;
  /** Priority last sent to the worker (mediasoup's default is 1). */
  priority?: number;
}

export class Peer {
  readonly id: string;
  readonly identity: PeerIdentity;
  readonly joinedAt = Date.now();
  readonly notify: Notify;
  readonly sendFrame: ((frame: string) => void) | undefined;
  readonly disconnect: (code?: number, reason?: string) => void;
  readonly transports = new Map<string, types.WebRtcTransport | types.PlainTransport>();
  /**
   * What this peer receives: everything (browsers: the forwarding policy then decides what
   * flows), or only the chair's and the current speaker's media (plain RTP endpoints).
   */
  subscription: 'all' | 'chair-and-speaker' = 'all';
  readonly producers = new Map<string, types.Producer<{ source: MediaSource; peerId: string }>>();
  readonly consumers = new Map<string, types.Consumer<ConsumerData>>();
  /** Producers a consumer is being made for now (so two triggers do not make two). */
  readonly consuming = new Set<string>();
  /** The tiles this receiver shows (null until it reports them: then everything counts as shown). */
  tileViews: TileView[] | null = null;
  receiveMode: ReceiveMode = 'normal';
  /**
   * Estimated bandwidth towards this peer in bit/s (its receiving transport's 'bwe' trace);
   * undefined until the worker has one.
   */
  availableBitrate: number | undefined;
  /** The bandwidth policy's last plan for its video consumers, by consumer id (see bandwidth-policy.ts). */
  readonly bandwidthPlan = new Map<string, StreamPlan>();
  /** When its estimate last fell sharply (ms), or null; and whether its plan reaches above it (see bandwidth-reach.ts). */
  bandwidthFallAt: number | null = null;
  bandwidthReach: ReachState = initialReach;
  /** Loss towards it (its receiving transport's `rtpPacketLossSent`, 0–1), read while its plan is held back; null: not read. */
  downlinkLoss: number | null = null;
  /** The most its receiving transport may send now (bit/s, 0: no limit; bandwidth-reach.ts outgoingCap). */
  outgoingCap = 0;
  /** Set by `ready`: until then nothing is consumed for this peer. */
  rtpCapabilities: types.RtpCapabilities | undefined;

  constructor(init: PeerInit) {
    const { id, notify, sendFrame, disconnect, ...identity } = init;
    this.id = id;
    this.identity = identity;
    this.notify = notify;
    this.sendFrame = sendFrame;
    this.disconnect = disconnect ?? (() => {});
  }

  transport(id: string): types.WebRtcTransport | types.PlainTransport {
    const t = this.transports.get(id);
    if (!t) throw notFound('transport');
    return t;
  }

  producer(id: string) {
    const p = this.producers.get(id);
    if (!p) throw notFound('producer');
    return p;
  }

  consumer(id: string): types.Consumer<ConsumerData> {
    const c = this.consumers.get(id);
    if (!c) throw notFound('consumer');
    return c;
  }

  /** Its microphone producer, if any. */
  mic(): types.Producer<{ source: MediaSource; peerId: string }> | undefined {
    for (const p of this.producers.values()) if (p.appData.source === 'mic') return p;
    return undefined;
  }

  /** The transport this peer receives on (created with direction 'recv'). */
  /** A WebRTC transport of this peer (ICE and DTLS requests apply only to those). */
  webRtcTransport(id: string): types.WebRtcTransport {
    const t = this.transport(id);
    if (t.type !== 'webrtc') throw notFound('transport');
    return t as types.WebRtcTransport;
  }

  recvTransport(): types.WebRtcTransport | types.PlainTransport | undefined {
    for (const t of this.transports.values()) if (t.appData['direction'] === 'recv') return t;
    return undefined;
  }

  info(): PeerInfo {
    return {
      id: this.id,
      ...this.identity,
      joinedAt: this.joinedAt,
      producers: [...this.producers.values()].map((p) => ({
        id: p.id,
        kind: p.kind,
        source: p.appData.source,
        paused: p.paused,
      })),
    };
  }

  /** Closes every transport, which closes its producers and consumers in the worker. */
  close(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
