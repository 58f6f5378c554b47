/**
 * A conference room: one mediasoup router and the peers in it. Every change goes through here, so
 * a peer can only touch its own transports, producers and consumers.
 */
import type { types } from 'mediasoup';
import type { DtlsParameters, MediaSource, Notifications, PeerInfo, RtpParameters, TransportOptions } from '../../../common/protocol';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Peer } from './peer';

export interface TransportSettings {
  listenIp: string;
  announcedAddress: string | undefined;
  portRange: { min: number; max: number };
  initialAvailableOutgoingBitrate: number;
}

/** Whether this peer may send audio in this room now (floor control, host mute). */
export type AudioGate = (room: Room, peer: Peer) => boolean;

export interface RoomOptions {
  name: string;
  router: types.Router;
  transport: TransportSettings;
  maxPeers: number;
  logger: Logger;
  onEmpty: (room: Room) => void;
  audioGate?: AudioGate;
  onPeerJoined?: (room: Room, peer: Peer) => void;
  onPeerLeft?: (room: Room, peer: Peer) => void;
}

export class Room {
  readonly name: string;
  readonly router: types.Router;
  readonly #peers = new Map<string, Peer>();
  readonly #options: RoomOptions;
  #closed = false;

  constructor(options: RoomOptions) {
    this.name = options.name;
    this.router = options.router;
    this.#options = options;
    this.router.observer.once('close', () => this.#closeAll());
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers;
  }

  join(peer: Peer): PeerInfo[] {
    if (this.#closed) throw new AppError('not_found', 'room is closed');
    // The same account joining again (a reconnect, another device) replaces its old presence.
    for (const old of this.#peers.values()) {
      if (old.identity.accountId === peer.identity.accountId) {
        this.#peers.delete(old.id);
        old.close();
        this.#broadcast(old, 'peerLeft', { peerId: old.id });
        old.disconnect();
        this.#options.onPeerLeft?.(this, old);
      }
    }
    if (this.#peers.size >= this.#options.maxPeers) throw new AppError('room_full', 'the room is full');
    const others = [...this.#peers.values()].map((p) => p.info());
    this.#peers.set(peer.id, peer);
    this.#broadcast(peer, 'peerJoined', { peer: peer.info() });
    this.#options.logger.info({ room: this.name, peer: peer.id, peers: this.#peers.size }, 'peer joined');
    this.#options.onPeerJoined?.(this, peer);
    return others;
  }

  leave(peer: Peer): void {
    if (!this.#peers.delete(peer.id)) return;
    peer.close();
    this.#broadcast(peer, 'peerLeft', { peerId: peer.id });
    this.#options.logger.info({ room: this.name, peer: peer.id, peers: this.#peers.size }, 'peer left');
    this.#options.onPeerLeft?.(this, peer);
    if (this.#peers.size === 0) this.#options.onEmpty(this);
  }

  async createTransport(peer: Peer, direction: 'send' | 'recv'): Promise<TransportOptions> {
    this.#assertMember(peer);
    if (peer.transports.size >= 4) throw new AppError('conflict', 'too many transports');
    const { listenIp, announcedAddress, portRange, initialAvailableOutgoingBitrate } = this.#options.transport;
    const listen = (protocol: 'udp' | 'tcp'): types.TransportListenInfo => ({
      protocol,
      ip: listenIp,
      ...(announcedAddress ? { announcedAddress } : {}),
      portRange,
    });
    const transport = await this.router.createWebRtcTransport({
      listenInfos: [listen('udp'), listen('tcp')],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate,
      appData: { direction, peerId: peer.id },
    });
    if (!this.#peers.has(peer.id)) {
      // The peer left while the transport was being created.
      transport.close();
      throw new AppError('not_joined', 'left the room');
    }
    peer.transports.set(transport.id, transport);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.#options.logger.warn({ peer: peer.id, transport: transport.id, state }, 'transport DTLS ended');
      }
    });
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peer: Peer, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    this.#assertMember(peer);
    await peer.transport(transportId).connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
  }

  async restartIce(peer: Peer, transportId: string): Promise<types.IceParameters> {
    this.#assertMember(peer);
    return peer.transport(transportId).restartIce();
  }

  async produce(
    peer: Peer,
    input: { transportId: string; kind: 'audio' | 'video'; rtpParameters: RtpParameters; source: MediaSource; paused?: boolean | undefined },
  ): Promise<string> {
    this.#assertMember(peer);
    const transport = peer.transport(input.transportId);
    if (transport.appData['direction'] !== 'send') throw new AppError('bad_request', 'not a sending transport');
    const expectedKind = input.source === 'mic' ? 'audio' : 'video';
    if (input.kind !== expectedKind) throw new AppError('bad_request', `source ${input.source} must be ${expectedKind}`);
    for (const p of peer.producers.values()) {
      if (p.appData.source === input.source) throw new AppError('conflict', `already producing ${input.source}`);
    }
    // A microphone the floor or the host does not allow starts paused; the client is told.
    const gated = input.source === 'mic' && !(input.paused ?? false) && !this.mayUseAudio(peer);
    const producer = await transport.produce({
      kind: input.kind,
      rtpParameters: input.rtpParameters as types.RtpParameters,
      paused: (input.paused ?? false) || gated,
      appData: { source: input.source, peerId: peer.id },
    });
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      if (this.#peers.has(peer.id)) this.#broadcast(peer, 'peerUpdated', { peer: peer.info() });
    });
    for (const other of this.#peers.values()) {
      if (other !== peer) await this.#consume(other, peer, producer);
    }
    this.#broadcast(peer, 'peerUpdated', { peer: peer.info() });
    if (gated) peer.notify('micForced', { muted: true });
    return producer.id;
  }

  /** Whether the audio gate (floor control, host mute) lets this peer send audio now. */
  mayUseAudio(peer: Peer): boolean {
    return this.#options.audioGate?.(this, peer) ?? true;
  }

  /**
   * Pauses or resumes a peer's microphone from the server (host mute, floor taken back or given).
   * The peer is told with `micForced`; everyone sees the change in `peerUpdated`.
   */
  async forceMic(peer: Peer, muted: boolean): Promise<void> {
    if (this.#peers.get(peer.id) !== peer) return;
    for (const producer of peer.producers.values()) {
      if (producer.appData.source !== 'mic' || producer.closed) continue;
      if (muted && !producer.paused) await producer.pause();
      if (!muted && producer.paused) await producer.resume();
    }
    peer.notify('micForced', { muted });
    this.#broadcast(peer, 'peerUpdated', { peer: peer.info() });
  }

  async ready(peer: Peer, rtpCapabilities: types.RtpCapabilities): Promise<void> {
    this.#assertMember(peer);
    if (peer.rtpCapabilities) throw new AppError('conflict', 'already ready');
    if (!peer.recvTransport()) throw new AppError('bad_request', 'create a receiving transport first');
    peer.rtpCapabilities = rtpCapabilities;
    for (const other of this.#peers.values()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) await this.#consume(peer, other, producer);
    }
  }

  async setProducerPaused(peer: Peer, producerId: string, paused: boolean): Promise<void> {
    this.#assertMember(peer);
    const producer = peer.producer(producerId);
    if (!paused && producer.appData.source === 'mic' && !this.mayUseAudio(peer)) {
      throw new AppError('forbidden', 'the chair has not given you the floor', { reason: 'audio_not_allowed' });
    }
    if (paused) await producer.pause();
    else await producer.resume();
    this.#broadcast(peer, 'peerUpdated', { peer: peer.info() });
  }

  closeProducer(peer: Peer, producerId: string): void {
    this.#assertMember(peer);
    peer.producer(producerId).close();
  }

  async setConsumerPaused(peer: Peer, consumerId: string, paused: boolean): Promise<void> {
    this.#assertMember(peer);
    const consumer = peer.consumer(consumerId);
    if (paused) await consumer.pause();
    else await consumer.resume();
  }

  async #consume(receiver: Peer, sender: Peer, producer: types.Producer<{ source: MediaSource; peerId: string }>): Promise<void> {
    const caps = receiver.rtpCapabilities;
    const transport = receiver.recvTransport();
    if (!caps || !transport || producer.closed) return;
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      this.#options.logger.warn({ receiver: receiver.id, producer: producer.id }, 'peer cannot consume producer');
      return;
    }
    let consumer: types.Consumer;
    try {
      consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: caps,
        // Paused until the client has set it up and asks to resume, so no keyframe is lost.
        paused: true,
        appData: { peerId: sender.id, source: producer.appData.source },
      });
    } catch (err) {
      // The producer or the transport closed meanwhile.
      this.#options.logger.debug({ err }, 'consume failed');
      return;
    }
    receiver.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => receiver.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      receiver.consumers.delete(consumer.id);
      receiver.notify('consumerClosed', { consumerId: consumer.id });
    });
    consumer.on('producerpause', () => receiver.notify('consumerPaused', { consumerId: consumer.id }));
    consumer.on('producerresume', () => receiver.notify('consumerResumed', { consumerId: consumer.id }));
    receiver.notify('newConsumer', {
      id: consumer.id,
      producerId: producer.id,
      peerId: sender.id,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    });
  }

  #assertMember(peer: Peer): void {
    if (this.#peers.get(peer.id) !== peer) throw new AppError('not_joined', 'not in this room');
  }

  #broadcast<N extends keyof Notifications>(from: Peer, name: N, data: Notifications[N]): void {
    for (const p of this.#peers.values()) if (p !== from) p.notify(name, data);
  }

  #closeAll(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#peers.values()) p.close();
    this.#peers.clear();
  }

  close(): void {
    this.#closeAll();
    if (!this.router.closed) this.router.close();
  }
}
