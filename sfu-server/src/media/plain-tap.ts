/**
 * Media leaving the SFU towards a local process (ffmpeg): one producer of a room is consumed over
 * its own mediasoup PlainTransport (RTP with RTCP multiplexed on the same port, no comedia: the
 * worker sends to the port we name) and an SDP describes the stream for the receiving process.
 *
 * Used by recording (raw streams, `recording/`) and by the live broadcast. Each `PlainTap` is
 * independent (its own transport, consumer and port), so two users tapping the same producer never
 * collide. The worker sends to a socket of this process (`rtp-relay.ts`), never straight to the
 * receiver: `flow()` starts the media at once (kept in order while the receiver is not ready),
 * `start()` hands it to the receiver once it listens (see `waitForUdpListener`), backlog first.
 * The consumer starts paused, so a tap that is only `start()`ed sends nothing stale.
 *
 * The API is described for the other engineers in /work/team/tap.md (and in docs/ARCHITECTURE.md,
 * "Recording and archive").
 */
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import type { types } from 'mediasoup';
import type { MediaSource } from '../../../common/protocol';
import type { Peer } from './peer';
import type { Room } from './room';
import { RtpRelay } from './rtp-relay';

/** Who and what a tapped producer is (for file names, labels, timelines). */
export interface TapStreamInfo {
  producerId: string;
  peerId: string;
  accountId: string;
  displayName: string;
  pointName: string;
  source: MediaSource;
  kind: 'audio' | 'video';
}

export interface TapOptions {
  /** Address the receiver listens on (default 127.0.0.1). */
  host?: string;
  /** RTP port of the receiver (default: a free even port whose next port is free too: ffmpeg binds port+1 for its RTCP). */
  port?: number;
  /** Simulcast layer wanted (default: the highest); mediasoup falls back to a lower one while it is missing. */
  spatialLayer?: number;
  temporalLayer?: number;
  /** Audio: frames of silence while the producer is paused, one unbroken stream (`RtpRelay.fillSilence`). */
  fillSilence?: boolean;
}

/** Why a tap ended by itself (the caller's `close()` does not report). */
export type TapEnd = 'producer-closed' | 'transport-closed';

/** A room's producer with its owner, found by id (undefined: no such producer in that room now). */
export function findProducer(room: Room, producerId: string): { peer: Peer; producer: types.Producer<{ source: MediaSource; peerId: string }> } | undefined {
  for (const peer of room.peers.values()) {
    const producer = peer.producers.get(producerId);
    if (producer && !producer.closed) return { peer, producer };
  }
  return undefined;
}

/** Every live producer of a room with its owner's identity. */
export function listProducers(room: Room): Array<TapStreamInfo & { paused: boolean }> {
  const out: Array<TapStreamInfo & { paused: boolean }> = [];
  for (const peer of room.peers.values()) {
    for (const p of peer.producers.values()) {
      if (p.closed) continue;
      out.push({ ...infoOf(peer, p), paused: p.paused });
    }
  }
  return out;
}

function infoOf(peer: Peer, producer: types.Producer<{ source: MediaSource; peerId: string }>): TapStreamInfo {
  return {
    producerId: producer.id,
    peerId: peer.id,
    accountId: peer.identity.accountId,
    displayName: peer.identity.displayName,
    pointName: peer.identity.pointName,
    source: producer.appData.source,
    kind: producer.kind,
  };
}

export class PlainTap {
  readonly info: TapStreamInfo;
  /** The SDP the receiver reads (`ffmpeg -protocol_whitelist file,udp,rtp -i <file with this>`). */
  readonly sdp: string;
  readonly host: string;
  readonly port: number;
  /**
   * Wall-clock time (ms since the epoch) at which the worker sent the first RTP packet to the
   * receiver: the instant of the receiver's timestamp 0 (ffmpeg starts its RTP timeline at the
   * first packet). Resolves only once something was sent.
   */
  readonly firstPacketAt: Promise<number>;
  /** Resolves when the tap ended by itself (producer gone, router or worker gone). */
  readonly ended: Promise<TapEnd>;
  readonly #transport: types.PlainTransport;
  readonly #consumer: types.Consumer;
  readonly #relay: RtpRelay;
  #closed = false;

  private constructor(info: TapStreamInfo, transport: types.PlainTransport, consumer: types.Consumer, relay: RtpRelay, host: string, port: number) {
    this.info = info;
    this.#transport = transport;
    this.#consumer = consumer;
    this.#relay = relay;
    this.host = host;
    this.port = port;
    this.sdp = sdpFor(consumer, host, port, info);
    let resolveFirst: (at: number) => void = () => {};
    this.firstPacketAt = new Promise((resolve) => (resolveFirst = resolve));
    consumer.on('trace', (trace) => {
      if (trace.type !== 'rtp') return;
      resolveFirst(Date.now());
      void consumer.enableTraceEvent([]).catch(() => undefined);
    });
    this.ended = new Promise((resolve) => {
      consumer.on('producerclose', () => resolve('producer-closed'));
      consumer.on('transportclose', () => resolve('transport-closed'));
      transport.on('routerclose', () => resolve('transport-closed'));
    });
    // Someone else closing the consumer must not leave the transport behind.
    consumer.observer.once('close', () => {
      if (!transport.closed) transport.close();
    });
  }

  /**
   * Opens a tap on one producer of the room, on the router the producer lives on (no pipe needed).
   * Throws if the producer is not in the room.
   */
  static async open(room: Room, producerId: string, options: TapOptions = {}): Promise<PlainTap> {
    const found = findProducer(room, producerId);
    if (!found) throw new Error(`producer ${producerId} is not in room ${room.name}`);
    const { peer, producer } = found;
    const home = room.routerOf(peer);
    if (!home || home.router.closed) throw new Error(`producer ${producerId} has no router`);
    const router = home.router;
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? (await freeUdpPortPair(host));
    const relay = await RtpRelay.open('127.0.0.1');
    let transport: types.PlainTransport;
    try {
      transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
        appData: { tap: true, producerId },
      });
    } catch (err) {
      relay.close();
      throw err;
    }
    try {
      await transport.connect({ ip: relay.host, port: relay.port });
      relay.setWorker({ host: transport.tuple.localIp, port: transport.tuple.localPort });
      const consumer = await transport.consume({
        producerId,
        rtpCapabilities: tapCapabilities(router.rtpCapabilities, producer.kind),
        paused: true,
        appData: { tap: true },
      });
      if (consumer.type === 'simulcast' || consumer.type === 'svc') {
        const spatialLayer = options.spatialLayer ?? 2;
        await consumer.setPreferredLayers({ spatialLayer, ...(options.temporalLayer !== undefined ? { temporalLayer: options.temporalLayer } : {}) });
      }
      await consumer.enableTraceEvent(['rtp']);
      const codec = consumer.rtpParameters.codecs[0];
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (options.fillSilence && consumer.kind === 'audio' && codec && /opus$/i.test(codec.mimeType) && ssrc !== undefined) relay.fillSilence({ payloadType: codec.payloadType, ssrc });
      return new PlainTap(infoOf(peer, producer), transport, consumer, relay, host, port);
    } catch (err) {
      transport.close();
      relay.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed || this.#consumer.closed;
  }

  /** Resolves when more was kept for a receiver that never came than the relay holds. */
  get overflowed(): Promise<void> {
    return this.#relay.overflowed;
  }

  /** Packets the worker sent to this tap, and the ones handed on to the receiver. */
  get counts(): { received: number; forwarded: number; backlog: number } {
    return this.#relay.counts;
  }

  /**
   * Media starts flowing now (a keyframe is asked for, for video) and is kept until `start()`:
   * a recording loses nothing while its ffmpeg is still starting.
   */
  async flow(): Promise<void> {
    if (this.closed || !this.#consumer.paused) return;
    try {
      await this.#consumer.resume();
    } catch (err) {
      // Closed meanwhile (the tap was finished or its producer went): nothing to start.
      if (this.closed) return;
      throw err;
    }
    await this.requestKeyFrame();
  }

  /** The receiver listens: it gets what was kept (if `flow()` came first), then the live media. */
  async start(): Promise<void> {
    if (this.closed) return;
    this.#relay.deliverTo({ host: this.host, port: this.port });
    await this.flow();
    await this.requestKeyFrame();
  }

  /**
   * Ends the tap gracefully: the worker stops sending, what it sent already reaches the receiver
   * (call it once the receiver listens), then an RTCP BYE tells it the stream ended. Resolves true
   * once the receiver has had everything, false after `timeoutMs`. (`close()` ends a tap at once,
   * dropping what is kept.)
   */
  async finish(timeoutMs = 30_000): Promise<boolean> {
    this.#relay.deliverTo({ host: this.host, port: this.port });
    if (!this.#transport.closed) this.#transport.close();
    this.#closed = true;
    // Packets the worker sent just before may still be on their way to the relay.
    await new Promise((r) => setTimeout(r, 150));
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([this.#relay.drained, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
    clearTimeout(timer);
    // The end of the stream, so the receiver finishes by itself.
    const ssrc = this.#consumer.rtpParameters.encodings?.[0]?.ssrc;
    if (ok && ssrc !== undefined) await this.#relay.bye(ssrc);
    this.#relay.close();
    return ok;
  }

  /** Asks the sender for a keyframe (video; no-op for audio or a closed tap). */
  async requestKeyFrame(): Promise<void> {
    if (this.closed || this.#consumer.kind !== 'video') return;
    await this.#consumer.requestKeyFrame().catch(() => undefined);
  }

  /** Writes the SDP to a file (for ffmpeg's `-i`). */
  async writeSdp(file: string): Promise<void> {
    await fs.writeFile(file, this.sdp, { mode: 0o600 });
  }

  close(): void {
    this.#closed = true;
    if (!this.#transport.closed) this.#transport.close();
    this.#relay.close();
  }
}

/** The router's codecs of one kind without RTX and header extensions: what a plain receiver needs. */
function tapCapabilities(caps: types.RtpCapabilities, kind: 'audio' | 'video'): types.RtpCapabilities {
  return {
    codecs: (caps.codecs ?? []).filter((c) => c.kind === kind && !/\/rtx$/i.test(c.mimeType)).map((c) => ({ ...c, rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type !== 'transport-cc') })),
    headerExtensions: [],
  };
}

/** SDP for one stream towards host:port, RTCP multiplexed (ffmpeg reads muxed RTCP on the RTP socket). */
export function sdpFor(consumer: Pick<types.Consumer, 'kind' | 'rtpParameters'>, host: string, port: number, info?: Pick<TapStreamInfo, 'producerId'>): string {
  const codec = consumer.rtpParameters.codecs[0];
  if (!codec) throw new Error('consumer has no codec');
  const [, name = ''] = codec.mimeType.split('/');
  const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
  const fmtp = Object.entries(codec.parameters ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');
  const lines = [
    'v=0',
    `o=- 0 0 IN IP4 ${host}`,
    `s=phonghop-tap${info ? ` ${info.producerId}` : ''}`,
    `c=IN IP4 ${host}`,
    't=0 0',
    `m=${consumer.kind} ${port} RTP/AVPF ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=rtcp-mux',
    'a=recvonly',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A free even UDP port P on host whose P+1 is free too (the receiver's RTP and RTCP sockets), taken
 * below Linux's ephemeral range (32768–60999): ffmpeg binds it seconds later on a busy machine, and
 * meanwhile any socket bound to port 0 — the taps' own relay sockets — could be given an ephemeral
 * port (seen: "bind failed: Address already in use"). mediasoup's RTC ports are configured apart.
 */
export async function freeUdpPortPair(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const even = RECEIVER_PORTS.from + 2 * Math.floor(Math.random() * ((RECEIVER_PORTS.to - RECEIVER_PORTS.from) / 2));
    if ((await udpFree(host, even)) && (await udpFree(host, even + 1))) return even;
  }
  throw new Error('no free UDP port pair');
}

/** Where receivers (ffmpeg) listen: below the ephemeral ports, apart from mediasoup's RTC_MIN_PORT…RTC_MAX_PORT defaults. */
export const RECEIVER_PORTS = { from: 20_000, to: 32_000 } as const;

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/**
 * Waits until some process listens on that local UDP port (Linux: /proc/net/udp), so a tap is
 * started only once its receiver is ready. Resolves false after `timeoutMs`, or as soon as
 * `stillWorth()` says the wait is pointless (the receiving process exited).
 */
export async function waitForUdpListener(port: number, timeoutMs = 5_000, stillWorth: () => boolean = () => true): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillWorth()) {
    const table = await fs.readFile('/proc/net/udp', 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local?.endsWith(hex)) return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
