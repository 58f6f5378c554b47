/** One participant in a room: its transports, producers and consumers. */
import type { types } from 'mediasoup';
import type { MediaSource, Notifications, PeerInfo } from '../../../common/protocol';
import { notFound } from '../errors';

export type Notify = <N extends keyof Notifications>(name: N, data: Notifications[N]) => void;

export interface PeerInit {
  id: string;
  displayName: string;
  pointName: string;
  notify: Notify;
}

export class Peer {
  readonly id: string;
  readonly displayName: string;
  readonly pointName: string;
  readonly joinedAt = Date.now();
  readonly notify: Notify;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer<{ source: MediaSource; peerId: string }>>();
  readonly consumers = new Map<string, types.Consumer>();
  /** Set by `ready`: until then nothing is consumed for this peer. */
  rtpCapabilities: types.RtpCapabilities | undefined;

  constructor(init: PeerInit) {
    this.id = init.id;
    this.displayName = init.displayName;
    this.pointName = init.pointName;
    this.notify = init.notify;
  }

  transport(id: string): types.WebRtcTransport {
    const t = this.transports.get(id);
    if (!t) throw notFound('transport');
    return t;
  }

  producer(id: string) {
    const p = this.producers.get(id);
    if (!p) throw notFound('producer');
    return p;
  }

  consumer(id: string): types.Consumer {
    const c = this.consumers.get(id);
    if (!c) throw notFound('consumer');
    return c;
  }

  /** The transport this peer receives on (created with direction 'recv'). */
  recvTransport(): types.WebRtcTransport | undefined {
    for (const t of this.transports.values()) if (t.appData['direction'] === 'recv') return t;
    return undefined;
  }

  info(): PeerInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      pointName: this.pointName,
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
