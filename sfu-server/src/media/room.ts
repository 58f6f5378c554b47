/**
 * A conference room: its mediasoup routers and the peers in it. Every change goes through here, so
 * a peer can only touch its own transports, producers and consumers.
 *
 * A room starts with one router (the main one, which also detects the active speaker). A session
 * too big for one router spreads its participants over routers on other workers (fill then spill,
 * see placement.ts); a producer is piped (`pipeToRouter`) to another router the first time someone
 * there consumes it, and every microphone is piped to the main router for speaker detection.
 */
import type { types } from 'mediasoup';
import type { DtlsParameters, MediaSource, Notifications, PeerInfo, ReceiveMode, RtpParameters, TileView, TransportOptions } from '../../../common/protocol';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import { audioInEstimate, nextStep, plannedEstimate, planReceiver, videoBudget, type NextStep, type StreamInput, type StreamPlan, type StreamRole } from './bandwidth-policy';
import { nextReach, outgoingCap } from './bandwidth-reach';
import { decideVideo, lastNSenders, layersForTile, pushSpeaker, type VideoDecision } from './forwarding-policy';
import { LAYER_POLL_MS, LayerWatch, streamInput } from './link-adaptation';
import { withOfferedExtensions } from './header-extensions';
import type { ConsumerData, Peer } from './peer';
import { placePeer, type WorkerLoad } from './placement';

/** One router of a room and the peers whose transports are on it. */
export interface RoomRouter {
  router: types.Router;
  workerIndex: number;
  peers: Set<Peer>;
}

/** How a room grows onto other workers (absent: one router, however many peers). */
export interface SpillSettings {
  maxPeersPerRouter: number;
  workers: () => WorkerLoad[];
  createRouter: (workerIndex: number) => Promise<types.Router>;
}

export interface TransportSettings {
  listenIp: string;
  announcedAddress: string | undefined;
  portRange: { min: number; max: number };
  initialAvailableOutgoingBitrate: number;
}

/** Whether this peer may send audio in this room now (floor control, host mute). */
export type AudioGate = (room: Room, peer: Peer) => boolean;

/** One producer of a participant connected to another server, as that server announced it. */
export interface RemoteProducer {
  id: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  /** The producer piped into this room's main router, once someone here consumed it. */
  producer?: types.Producer<{ source: MediaSource; peerId: string }> | undefined;
  /** The pipe being made. */
  piped?: Promise<types.Producer<{ source: MediaSource; peerId: string }> | null> | undefined;
  /** Its sender stopped it (or left): a pipe made meanwhile is closed at once. */
  gone?: boolean;
}

/** A participant of this meeting connected to another server (several servers). */
export interface RemoteSender {
  id: string;
  accountId: string;
  role: string;
  server: string;
  producers: Map<string, RemoteProducer>;
}

/** Brings a producer of another server's participant into this room's main router (cluster/media-bridge.ts). */
export type RemotePipe = (room: Room, sender: RemoteSender, producerId: string) => Promise<types.Producer<{ source: MediaSource; peerId: string }>>;

export interface RoomOptions {
  name: string;
  router: types.Router;
  /** Worker index of the main router (for metrics and placement). */
  workerIndex?: number;
  spill?: SpillSettings;
  transport: TransportSettings;
  maxPeers: number;
  logger: Logger;
  onEmpty: (room: Room) => void;
  audioGate?: AudioGate;
  onPeerJoined?: (room: Room, peer: Peer) => void;
  onPeerLeft?: (room: Room, peer: Peer) => void;
  /** A participant's state changed (microphone, camera, hand): what `peerUpdated` tells the others. */
  onPeerUpdated?: (room: Room, peer: Peer) => void;
  /** Several servers: how a producer of another server's participant is piped in. */
  remotePipe?: RemotePipe;
  /** Camera video goes to receivers only from the last N speakers (plus pinned, chair, screens). */
  lastN?: number;
  /** Detects the dominant speaker among the room's microphones. */
  speakerObserver?: types.ActiveSpeakerObserver;
}

const DEFAULT_LAST_N = 25;

/**
 * Close code for "your media went away, join again": not one of the final codes (4001, 4003,
 * 4004), so the client reconnects at once by itself.
 */
export const MEDIA_RESTART_CLOSE_CODE = 4010;

export class Room {
  readonly name: string;
  readonly router: types.Router;
  readonly #peers = new Map<string, Peer>();
  readonly #options: RoomOptions;
  #closed = false;
  /** Closed on purpose (last peer left, meeting ended), not by a worker dying. */
  #closing = false;
  /** The meeting's chair (account id): its camera reaches everyone, whatever the last-N says. */
  chairAccountId: string | null = null;
  #activeSpeaker: string | null = null;
  /** Dominant speakers, most recent first. */
  #speakerHistory: string[] = [];
  #lastN = new Set<string>();
  #chairs = new Set<string>();
  readonly #routers: RoomRouter[] = [];
  /** Participants of this meeting connected to other servers, and their producers (syncRemote). */
  readonly #remote = new Map<string, RemoteSender>();
  /** Placements run one at a time, so two newcomers do not both open a router. */
  #placing: Promise<unknown> = Promise.resolve();
  /** Producers piped to other routers: "producerId>routerId" → the pipe being made. */
  readonly #pipes = new Map<string, Promise<void>>();
  /** Layers of the forwarded cameras, read every LAYER_POLL_MS; each receiver is planned after (see #adaptLinks). */
  readonly #layerWatch = new LayerWatch();
  readonly #adaptTimer: NodeJS.Timeout;
  #adapting = false;

  constructor(options: RoomOptions) {
    this.name = options.name;
    this.router = options.router;
    this.#options = options;
    this.#routers.push({ router: options.router, workerIndex: options.workerIndex ?? 0, peers: new Set() });
    this.router.observer.once('close', () => this.#closeAll());
    this.#adaptTimer = setInterval(() => void this.#adaptLinks(), LAYER_POLL_MS);
    this.#adaptTimer.unref();
    options.speakerObserver?.on('dominantspeaker', ({ producer }) => {
      const peerId = (producer.appData as { peerId?: unknown }).peerId;
      if (typeof peerId === 'string') this.#onDominantSpeaker(peerId);
    });
  }

  /** The peer speaking now, as detected on the server (null: nobody). */
  get activeSpeaker(): string | null {
    return this.#activeSpeaker;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers;
  }

  /** The routers of this room, main first. */
  get routers(): readonly RoomRouter[] {
    return this.#routers;
  }

  /** The router a peer's transports are on (undefined before its first transport). */
  routerOf(peer: Peer): RoomRouter | undefined {
    return this.#routers.find((r) => r.peers.has(peer));
  }

  join(peer: Peer): PeerInfo[] {
    if (this.#closed) throw new AppError('not_found', 'room is closed');
    // The same account joining again (a reconnect, another device) replaces its old presence.
    for (const old of this.#peers.values()) {
      if (old.identity.accountId === peer.identity.accountId) {
        this.#peers.delete(old.id);
        this.routerOf(old)?.peers.delete(old);
        old.close();
        this.#broadcast(old, 'peerLeft', { peerId: old.id });
        this.#speakerHistory = this.#speakerHistory.filter((id) => id !== old.id);
        if (this.#activeSpeaker === old.id) this.#setSpeaker(null);
        old.disconnect();
        this.#options.onPeerLeft?.(this, old);
      }
    }
    if (this.#peers.size >= this.#options.maxPeers) throw new AppError('room_full', 'the room is full');
    const others = [...this.#peers.values()].map((p) => p.info());
    this.#peers.set(peer.id, peer);
    this.#membersChanged();
    this.#broadcast(peer, 'peerJoined', { peer: peer.info() });
    this.#options.logger.info({ room: this.name, peer: peer.id, peers: this.#peers.size }, 'peer joined');
    this.#options.onPeerJoined?.(this, peer);
    return others;
  }

  leave(peer: Peer): void {
    if (!this.#peers.delete(peer.id)) return;
    this.routerOf(peer)?.peers.delete(peer);
    peer.close();
    this.#broadcast(peer, 'peerLeft', { peerId: peer.id });
    this.#speakerHistory = this.#speakerHistory.filter((id) => id !== peer.id);
    if (this.#activeSpeaker === peer.id) this.#setSpeaker(null);
    this.#membersChanged();
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
    const home = await this.#place(peer);
    const transport = await home.router.createWebRtcTransport({
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
    if (direction === 'recv') this.#watchBandwidth(peer, transport);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A plain RTP endpoint's transport (see `media.createPlainTransport`): RTCP multiplexed; SRTP
   * when the endpoint gives its key (`srtp`, SDES-style: the answer carries the server's key in
   * the same suite). A receiving one gets only the chair's and the current speaker's media.
   */
  async createPlainTransport(
    peer: Peer,
    direction: 'send' | 'recv',
    remote?: { ip: string; port: number },
    srtp?: types.SrtpParameters,
  ): Promise<{ id: string; ip: string; port: number; srtp?: types.SrtpParameters }> {
    this.#assertMember(peer);
    if (peer.transports.size >= 4) throw new AppError('conflict', 'too many transports');
    if (direction === 'recv' && !remote) throw new AppError('bad_request', 'a receiving plain transport needs ip and port');
    if (direction === 'recv' && peer.recvTransport()) throw new AppError('conflict', 'already receiving');
    const home = await this.#place(peer);
    const { listenIp, announcedAddress, portRange } = this.#options.transport;
    const transport = await home.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: listenIp, ...(announcedAddress ? { announcedAddress } : {}), portRange },
      rtcpMux: true,
      comedia: direction === 'send',
      ...(srtp ? { enableSrtp: true, srtpCryptoSuite: srtp.cryptoSuite } : {}),
      appData: { direction, peerId: peer.id },
    });
    if (!this.#peers.has(peer.id)) {
      transport.close();
      throw new AppError('not_joined', 'left the room');
    }
    // A comedia (sending) transport with SRTP still needs the endpoint's key, without an address.
    if (remote || srtp) await transport.connect({ ...(remote ? { ip: remote.ip, port: remote.port } : {}), ...(srtp ? { srtpParameters: srtp } : {}) });
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    if (direction === 'recv') peer.subscription = 'chair-and-speaker';
    const tuple = transport.tuple;
    const own = transport.srtpParameters;
    return { id: transport.id, ip: tuple.localAddress ?? tuple.localIp, port: tuple.localPort, ...(srtp && own ? { srtp: own } : {}) };
  }

  async connectTransport(peer: Peer, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    this.#assertMember(peer);
    await peer.webRtcTransport(transportId).connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
  }

  async restartIce(peer: Peer, transportId: string): Promise<types.IceParameters> {
    this.#assertMember(peer);
    return peer.webRtcTransport(transportId).restartIce();
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
      rtpParameters: withOfferedExtensions(input.rtpParameters as types.RtpParameters),
      paused: (input.paused ?? false) || gated,
      appData: { source: input.source, peerId: peer.id },
    });
    peer.producers.set(producer.id, producer);
    if (input.source === 'mic' && !producer.paused) this.#observeSpeaker(producer, true);
    producer.observer.once('close', () => {
      if (this.#activeSpeaker === peer.id && input.source === 'mic') this.#setSpeaker(null);
      peer.producers.delete(producer.id);
      if (this.#peers.has(peer.id)) this.#peerUpdated(peer);
    });
    for (const other of this.#peers.values()) {
      if (other !== peer) await this.#consume(other, peer, producer);
    }
    this.#peerUpdated(peer);
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
      this.#micPausedChanged(peer, producer);
    }
    peer.notify('micForced', { muted });
    this.#peerUpdated(peer);
  }

  async ready(peer: Peer, rtpCapabilities: types.RtpCapabilities): Promise<void> {
    this.#assertMember(peer);
    if (peer.rtpCapabilities) throw new AppError('conflict', 'already ready');
    if (!peer.recvTransport()) throw new AppError('bad_request', 'create a receiving transport first');
    peer.rtpCapabilities = withOfferedExtensions(rtpCapabilities);
    if (this.#activeSpeaker) peer.notify('activeSpeaker', { peerId: this.#activeSpeaker });
    for (const other of this.#peers.values()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) await this.#consume(peer, other, producer);
    }
    for (const sender of this.#remote.values()) for (const rp of sender.producers.values()) void this.#consumeRemote(peer, sender, rp);
  }

  async setProducerPaused(peer: Peer, producerId: string, paused: boolean): Promise<void> {
    this.#assertMember(peer);
    const producer = peer.producer(producerId);
    if (!paused && producer.appData.source === 'mic' && !this.mayUseAudio(peer)) {
      throw new AppError('forbidden', 'the chair has not given you the floor', { reason: 'audio_not_allowed' });
    }
    if (paused) await producer.pause();
    else await producer.resume();
    if (producer.appData.source === 'mic') this.#micPausedChanged(peer, producer);
    this.#peerUpdated(peer);
  }

  closeProducer(peer: Peer, producerId: string): void {
    this.#assertMember(peer);
    peer.producer(producerId).close();
  }

  /**
   * The client pauses or resumes one of its consumers. Resuming only says the client is ready: the
   * media flows if the forwarding policy lets it (tile on screen, last-N...), so a client cannot
   * override the server's choice.
   */
  async setConsumerPaused(peer: Peer, consumerId: string, paused: boolean): Promise<void> {
    this.#assertMember(peer);
    const consumer = peer.consumer(consumerId);
    consumer.appData.clientPaused = paused;
    await this.#applyConsumer(peer, consumer);
  }

  /** The tiles this receiver shows now and its receive mode: its video consumers follow at once. */
  async setTileViews(peer: Peer, views: TileView[], mode: ReceiveMode): Promise<void> {
    this.#assertMember(peer);
    peer.tileViews = views;
    peer.receiveMode = mode;
    await this.#refreshReceiver(peer);
  }

  /** The current camera senders allowed by last-N (for tests and metrics). */
  get lastNSenders(): ReadonlySet<string> {
    return this.#lastN;
  }

  // ---- forwarding policy -------------------------------------------------------------------
  #membersChanged(): void {
    const chairs = new Set<string>();
    for (const p of this.#peers.values()) {
      if (p.identity.role === 'chair' || (this.chairAccountId !== null && p.identity.accountId === this.chairAccountId)) chairs.add(p.id);
    }
    for (const r of this.#remote.values()) if (r.role === 'chair' || (this.chairAccountId !== null && r.accountId === this.chairAccountId)) chairs.add(r.id);
    const changed = symmetricDifference(this.#chairs, chairs);
    this.#chairs = chairs;
    this.#recomputeLastN(changed);
  }

  #recomputeLastN(changed = new Set<string>()): void {
    const next = lastNSenders(this.#speakerHistory, [...this.#peers.keys(), ...this.#remote.keys()], this.#options.lastN ?? DEFAULT_LAST_N);
    for (const id of symmetricDifference(this.#lastN, next)) changed.add(id);
    this.#lastN = next;
    if (changed.size === 0) return;
    for (const receiver of this.#peers.values()) void this.#refreshReceiver(receiver, changed);
  }

  async #refreshReceiver(receiver: Peer, onlySenders?: ReadonlySet<string>): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const consumer of receiver.consumers.values()) {
      if (onlySenders && !onlySenders.has(consumer.appData.peerId)) continue;
      pending.push(this.#applyConsumer(receiver, consumer));
    }
    // Senders this receiver may get now but has no consumer of yet (made on first need).
    for (const sender of this.#peers.values()) {
      if (sender === receiver || (onlySenders && !onlySenders.has(sender.id))) continue;
      for (const producer of sender.producers.values()) pending.push(this.#consume(receiver, sender, producer));
    }
    for (const sender of this.#remote.values()) {
      if (onlySenders && !onlySenders.has(sender.id)) continue;
      for (const rp of sender.producers.values()) pending.push(this.#consumeRemote(receiver, sender, rp));
    }
    await Promise.all(pending);
  }

  /** Brings one consumer in line with the policy: paused or not, preferred layers, the receiver told. */
  async #applyConsumer(receiver: Peer, consumer: types.Consumer<ConsumerData>): Promise<void> {
    if (consumer.closed) return;
    const data = consumer.appData;
    let forward = true;
    let layers: types.ConsumerLayers | undefined;
    let priority: number | undefined;
    if (consumer.kind === 'video') {
      const decision = this.#videoDecision(receiver, data.peerId, data.source);
      // The receiver's link decides within what its tiles allow (see #planReceiver).
      const plan = receiver.bandwidthPlan.get(consumer.id);
      forward = decision.forward && (plan?.forward ?? true);
      if (forward && (consumer.type === 'simulcast' || consumer.type === 'svc')) layers = plan?.layers ?? layersForTile(decision.height, receiver.receiveMode);
      priority = plan?.priority;
    }
    const paused = data.clientPaused || !forward;
    const work: Promise<unknown>[] = [];
    // The decision is recorded before the worker answers, so overlapping calls keep their order.
    if (paused !== data.sentPaused) {
      data.sentPaused = paused;
      work.push(paused ? consumer.pause() : consumer.resume());
    }
    if (layers) {
      const key = `${layers.spatialLayer}/${layers.temporalLayer ?? ''}`;
      if (key !== data.layers) {
        data.layers = key;
        work.push(consumer.setPreferredLayers(layers));
      }
    }
    if (priority !== undefined && priority !== data.priority) {
      data.priority = priority;
      work.push(consumer.setPriority(priority));
    }
    if (forward !== data.forwarding) {
      data.forwarding = forward;
      receiver.notify('consumerForwarding', { consumerId: consumer.id, forwarding: forward });
    }
    try {
      await Promise.all(work);
    } catch (err) {
      // The consumer closed meanwhile.
      this.#options.logger.debug({ err, consumer: consumer.id }, 'consumer update failed');
    }
  }

  // ---- weak links ----------------------------------------------------------------------------
  /** Follows the bandwidth the worker estimates towards this receiver (transport-cc). */
  #watchBandwidth(peer: Peer, transport: types.WebRtcTransport): void {
    transport.on('trace', (trace) => {
      if (trace.type !== 'bwe') return;
      const info = trace.info as { availableBitrate?: number };
      if (typeof info.availableBitrate !== 'number') return;
      const before = peer.availableBitrate;
      peer.availableBitrate = info.availableBitrate;
      // A sharp fall is acted on at once; anything else at the next round.
      if (before !== undefined && info.availableBitrate < before * 0.7) {
        peer.bandwidthFallAt = Date.now();
        void this.#planReceiver(peer);
      }
    });
    transport.enableTraceEvent(['bwe']).catch((err: unknown) => this.#options.logger.debug({ err }, 'could not enable bwe trace'));
  }

  /**
   * Once a second: reads which layers the forwarded cameras send now, then plans every receiver's
   * video for its link (bandwidth-policy.ts). Skipped if the previous round is still running.
   */
  async #adaptLinks(): Promise<void> {
    if (this.#adapting || this.#closed) return;
    this.#adapting = true;
    try {
      const consumed = new Map<string, types.Producer>();
      const producers = new Map<string, types.Producer>();
      for (const p of this.#peers.values()) for (const producer of p.producers.values()) if (producer.kind === 'video') producers.set(producer.id, producer);
      for (const r of this.#remote.values()) for (const rp of r.producers.values()) if (rp.producer && rp.kind === 'video') producers.set(rp.id, rp.producer);
      for (const receiver of this.#peers.values()) {
        for (const c of receiver.consumers.values()) {
          const producer = producers.get(c.producerId);
          if (producer && !c.closed) consumed.set(producer.id, producer);
        }
      }
      await Promise.all([this.#layerWatch.refresh(consumed.values()), ...[...this.#peers.values()].map((p) => this.#readDownlinkLoss(p))]);
      for (const receiver of this.#peers.values()) this.#planReceiver(receiver);
    } catch (err) {
      this.#options.logger.debug({ err }, 'link adaptation round failed');
    } finally {
      this.#adapting = false;
    }
  }

  /** Who a stream is to its receiver, for the order in which its link serves them. */
  #roleOf(receiver: Peer, data: ConsumerData): StreamRole {
    if (data.source === 'screen') return 'screen';
    if (data.peerId === this.#activeSpeaker) return 'speaker';
    if (this.#chairs.has(data.peerId)) return 'chair';
    if (receiver.tileViews?.some((v) => v.peerId === data.peerId && v.source === data.source && v.pinned)) return 'pinned';
    return 'other';
  }

  /** Plans the layers of the videos this receiver is sent for its estimated bandwidth; applies what changed. */
  #planReceiver(receiver: Peer): void {
    if (!this.#peers.has(receiver.id) || receiver.subscription !== 'all') return;
    const inputs: StreamInput[] = [];
    const consumers = new Map<string, types.Consumer<ConsumerData>>();
    // The audio the transport-cc estimate measures (none with mediasoup 3.27: see bandwidth-policy.ts).
    const audio = audioInEstimate([...receiver.consumers.values()].filter((c) => !c.closed && !c.producerPaused));
    for (const c of receiver.consumers.values()) {
      if (c.closed || c.kind === 'audio') continue;
      const decision = this.#videoDecision(receiver, c.appData.peerId, c.appData.source);
      const producer = this.#peers.get(c.appData.peerId)?.producers.get(c.producerId) ?? this.#remote.get(c.appData.peerId)?.producers.get(c.producerId)?.producer;
      if (!decision.forward || c.appData.clientPaused || c.producerPaused || !producer) continue;
      const tile = layersForTile(decision.height, receiver.receiveMode);
      const layered = c.type === 'simulcast' || c.type === 'svc';
      const input = streamInput(c.id, this.#roleOf(receiver, c.appData), tile.spatialLayer, layered, producer, this.#layerWatch.get(producer.id), receiver.bandwidthPlan.get(c.id)?.layers);
      // Paused by the last plan so that the first picture stays smooth (bandwidth-policy.ts othersYield).
      input.yielded = receiver.bandwidthPlan.get(c.id)?.yielded === true;
      inputs.push(input);
      consumers.set(c.id, c);
    }
    const plans = planReceiver(videoBudget(receiver.availableBitrate, audio), inputs);
    const step = nextStep(inputs, plans, audio);
    this.#reach(receiver, plans, step);
    this.#capLossyLink(receiver, plannedEstimate(inputs, plans, audio), step, plans);
    for (const id of [...receiver.bandwidthPlan.keys()]) if (!plans.has(id)) receiver.bandwidthPlan.delete(id);
    for (const [id, plan] of plans) {
      const old = receiver.bandwidthPlan.get(id);
      receiver.bandwidthPlan.set(id, plan);
      if (old && samePlan(old, plan)) continue;
      this.#options.logger.debug({ receiver: receiver.id, consumer: id, availableBitrate: receiver.availableBitrate, plan }, 'video plan changed');
      const consumer = consumers.get(id);
      if (consumer) void this.#applyConsumer(receiver, consumer);
    }
  }

  /**
   * A plan held back by the estimate on a clean link reaches one step above it (bandwidth-reach.ts:
   * the estimate does not climb by itself): the first stream in line gets its next step as its
   * ceiling, which mediasoup forwards only if it fits the worker's own estimate.
   */
  #reach(receiver: Peer, plans: Map<string, StreamPlan>, step: NextStep | null): void {
    const { reach, state } = nextReach(receiver.bandwidthReach, { now: Date.now(), estimate: receiver.availableBitrate, needed: step?.estimate ?? null, lastFallAt: receiver.bandwidthFallAt, loss: receiver.downlinkLoss });
    receiver.bandwidthReach = state;
    const plan = step && plans.get(step.id);
    // A picture that yielded is forwarded again at its base layer (reached only on a clean link: bandwidth-reach.ts).
    if (reach && step && plan) plans.set(step.id, step.resume ? { ...plan, forward: true, yielded: false, layers: step.layers } : { ...plan, layers: step.layers });
  }

  /** On a lossy link, the worker sends no more than the plan can use (bandwidth-reach.ts outgoingCap); elsewhere no limit. */
  #capLossyLink(receiver: Peer, planNeeded: number, step: NextStep | null, plans: Map<string, StreamPlan>): void {
    const planned = step ? plans.get(step.id)?.layers : undefined;
    const temporalOnly = step !== null && !step.resume && planned !== undefined && planned.spatialLayer === step.layers.spatialLayer;
    const cap = outgoingCap(receiver.bandwidthReach, { planNeeded, next: step ? { estimate: step.estimate, temporalOnly } : null });
    const transport = receiver.recvTransport();
    if (cap === receiver.outgoingCap || !transport || transport.closed || transport.type !== 'webrtc') return;
    receiver.outgoingCap = cap;
    this.#options.logger.debug({ receiver: receiver.id, cap }, 'outgoing cap changed');
    transport.setMaxOutgoingBitrate(cap).catch((err: unknown) => this.#options.logger.debug({ err }, 'could not set the outgoing cap'));
  }

  /**
   * Reads the loss towards a receiver whose plan was held back, or whose link is lossy (so that a
   * lifted link is seen while the app is still in low mode; one worker request; the others are not asked).
   */
  async #readDownlinkLoss(receiver: Peer): Promise<void> {
    const transport = receiver.recvTransport();
    if (!(receiver.bandwidthReach.heldBack || receiver.bandwidthReach.lossy) || !transport || transport.closed || transport.type !== 'webrtc') {
      receiver.downlinkLoss = null;
      return;
    }
    try {
      const [stats] = await transport.getStats();
      receiver.downlinkLoss = typeof stats?.rtpPacketLossSent === 'number' ? stats.rtpPacketLossSent : null;
    } catch {
      receiver.downlinkLoss = null; // closed meanwhile
    }
  }

  // ---- active speaker ----------------------------------------------------------------------
  #observeSpeaker(producer: types.Producer, add: boolean): void {
    const observer = this.#options.speakerObserver;
    if (!observer || observer.closed || producer.closed) return;
    const peerId = (producer.appData as { peerId?: string }).peerId;
    const owner = peerId ? this.#peers.get(peerId) : undefined;
    const home = owner ? this.routerOf(owner) : undefined;
    const main = this.#routers[0];
    // A microphone on another router is observed through its pipe to the main router.
    const piped = home && main && home !== main ? this.#pipe(producer.id, home, main) : Promise.resolve();
    piped
      .then(() => (add ? observer.addProducer({ producerId: producer.id }) : observer.removeProducer({ producerId: producer.id })))
      .catch((err: unknown) => this.#options.logger.debug({ err }, 'speaker observer update failed'));
  }

  // ---- routers -----------------------------------------------------------------------------
  /** The router for a peer's transports: chosen on its first transport (fill then spill). */
  #place(peer: Peer): Promise<RoomRouter> {
    const placed = this.routerOf(peer);
    if (placed) return Promise.resolve(placed);
    const run = this.#placing.then(async () => {
      const again = this.routerOf(peer);
      if (again) return again;
      const spill = this.#options.spill;
      const living = this.#routers.filter((r) => !r.router.closed);
      let home = living[0];
      if (spill && living.length > 0) {
        const choice = placePeer(
          living.map((r) => ({ id: r.router.id, workerIndex: r.workerIndex, peers: r.peers.size })),
          spill.workers(),
          spill.maxPeersPerRouter,
        );
        if ('router' in choice) home = living.find((r) => r.router.id === choice.router) ?? home;
        else home = await this.#addRouter(spill, choice.newRouterOn);
      }
      if (!home || this.#closed) throw new AppError('not_found', 'room is closed');
      if (!this.#peers.has(peer.id)) throw new AppError('not_joined', 'left the room');
      home.peers.add(peer);
      return home;
    });
    this.#placing = run.catch(() => undefined);
    return run;
  }

  async #addRouter(spill: SpillSettings, workerIndex: number): Promise<RoomRouter> {
    const router = await spill.createRouter(workerIndex);
    const entry: RoomRouter = { router, workerIndex, peers: new Set() };
    if (this.#closed) {
      router.close();
      throw new AppError('not_found', 'room is closed');
    }
    this.#routers.push(entry);
    router.observer.once('close', () => this.#routerLost(entry));
    this.#options.logger.info({ room: this.name, worker: workerIndex, routers: this.#routers.length }, 'room spread to another worker');
    return entry;
  }

  /** A secondary router closed (its worker died): its peers rejoin; the others lose only the pipes. */
  #routerLost(entry: RoomRouter): void {
    const at = this.#routers.indexOf(entry);
    if (at < 0) return;
    this.#routers.splice(at, 1);
    for (const key of [...this.#pipes.keys()]) if (key.endsWith(`>${entry.router.id}`)) this.#pipes.delete(key);
    if (this.#closing || this.#closed) return;
    const peers = [...entry.peers];
    this.#options.logger.warn({ room: this.name, worker: entry.workerIndex, peers: peers.length }, 'a router of the room closed; its peers will rejoin');
    for (const p of peers) {
      this.leave(p);
      p.disconnect(MEDIA_RESTART_CLOSE_CODE, 'media server restarted');
    }
  }

  /** Makes a producer of one router consumable on another (once per producer and router). */
  #pipe(producerId: string, from: RoomRouter, to: RoomRouter): Promise<void> {
    const key = `${producerId}>${to.router.id}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      pipe = from.router.pipeToRouter({ producerId, router: to.router }).then(({ pipeProducer }) => {
        pipeProducer?.observer.once('close', () => {
          if (this.#pipes.get(key) === pipe) this.#pipes.delete(key);
        });
      });
      this.#pipes.set(key, pipe);
      pipe.catch(() => {
        if (this.#pipes.get(key) === pipe) this.#pipes.delete(key);
      });
    }
    return pipe;
  }

  /** A muted microphone leaves the speaker detection (and stops being the speaker at once). */
  #micPausedChanged(peer: Peer, producer: types.Producer<{ source: MediaSource; peerId: string }>): void {
    this.#observeSpeaker(producer, !producer.paused);
    if (producer.paused && this.#activeSpeaker === peer.id) this.#setSpeaker(null);
    // A microphone heard for the first time: its consumers are made now.
    if (!producer.paused) for (const receiver of this.#peers.values()) if (receiver !== peer) void this.#consume(receiver, peer, producer);
  }

  #onDominantSpeaker(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (peer) {
      const mic = peer.mic();
      if (!mic || mic.paused) return;
      this.#setSpeaker(peerId);
      return;
    }
    // A participant of another server, heard here through its piped microphone.
    const remote = this.#remote.get(peerId);
    const mic = remote && [...remote.producers.values()].find((p) => p.source === 'mic');
    if (!mic || mic.paused || !mic.producer || mic.producer.closed) return;
    this.#setSpeaker(peerId);
  }

  /** Whether this receiver takes media from that sender at all (see Peer.subscription). */
  #subscribes(receiver: Peer, senderId: string): boolean {
    return receiver.subscription === 'all' || this.#chairs.has(senderId) || this.#activeSpeaker === senderId;
  }

  /** Receivers that follow the speaker drop the former one and take the new one. */
  #followSpeaker(previous: string | null): void {
    const speaker = this.#activeSpeaker ? this.#peers.get(this.#activeSpeaker) : undefined;
    for (const receiver of this.#peers.values()) {
      if (receiver.subscription === 'all') continue;
      for (const c of [...receiver.consumers.values()]) {
        if (c.appData.peerId === previous && !this.#subscribes(receiver, c.appData.peerId)) {
          c.close();
          receiver.consumers.delete(c.id);
          receiver.notify('consumerClosed', { consumerId: c.id });
        }
      }
      if (speaker && speaker !== receiver) {
        for (const producer of speaker.producers.values()) void this.#consume(receiver, speaker, producer);
      }
      const remote = this.#activeSpeaker ? this.#remote.get(this.#activeSpeaker) : undefined;
      if (remote) for (const rp of remote.producers.values()) void this.#consumeRemote(receiver, remote, rp);
    }
  }

  #setSpeaker(peerId: string | null): void {
    if (peerId === this.#activeSpeaker) return;
    const previous = this.#activeSpeaker;
    this.#activeSpeaker = peerId;
    this.#followSpeaker(previous);
    if (peerId) {
      this.#speakerHistory = pushSpeaker(this.#speakerHistory, peerId);
      this.#recomputeLastN();
    }
    for (const p of this.#peers.values()) p.notify('activeSpeaker', { peerId });
  }

  async #consume(receiver: Peer, sender: Peer, producer: types.Producer<{ source: MediaSource; peerId: string }>): Promise<void> {
    const caps = receiver.rtpCapabilities;
    const transport = receiver.recvTransport();
    const target = this.routerOf(receiver);
    const source = this.routerOf(sender);
    if (!caps || !transport || !target || !source || producer.closed) return;
    if (!this.#wants(receiver, sender.id, producer.kind, producer.paused, producer.appData.source)) return;
    if (receiver.consuming.has(producer.id)) return;
    for (const c of receiver.consumers.values()) if (c.producerId === producer.id) return;
    receiver.consuming.add(producer.id);
    try {
      await this.#makeConsumer(receiver, sender.id, producer, { caps, transport, target, source });
    } finally {
      receiver.consuming.delete(producer.id);
    }
  }

  /** Like #consume, for a producer of another server's participant: piped into the main router first. */
  async #consumeRemote(receiver: Peer, sender: RemoteSender, rp: RemoteProducer): Promise<void> {
    const caps = receiver.rtpCapabilities;
    const transport = receiver.recvTransport();
    const target = this.routerOf(receiver);
    const main = this.#routers[0];
    if (!caps || !transport || !target || !main || rp.gone) return;
    if (!this.#wants(receiver, sender.id, rp.kind, rp.paused, rp.source)) return;
    if (receiver.consuming.has(rp.id)) return;
    for (const c of receiver.consumers.values()) if (c.producerId === rp.id) return;
    receiver.consuming.add(rp.id);
    try {
      const producer = await this.#pipeIn(sender, rp);
      if (!producer || producer.closed || !this.#peers.has(receiver.id)) return;
      await this.#makeConsumer(receiver, sender.id, producer, { caps, transport, target, source: main });
    } finally {
      receiver.consuming.delete(rp.id);
    }
  }

  /** The producer of another server piped into the main router: made once, shared by every receiver here. */
  #pipeIn(sender: RemoteSender, rp: RemoteProducer): Promise<types.Producer<{ source: MediaSource; peerId: string }> | null> {
    const pipe = this.#options.remotePipe;
    if (!pipe) return Promise.resolve(null);
    if (rp.piped) return rp.piped;
    const piped = pipe(this, sender, rp.id).then(
      async (producer) => {
        if (rp.gone || this.#closed) {
          producer.close();
          return null;
        }
        rp.producer = producer;
        // Paused or resumed while the pipe was being made.
        if (rp.paused !== producer.paused) await (rp.paused ? producer.pause() : producer.resume()).catch(() => undefined);
        // A microphone of another server takes part in this room's speaker detection while piped here.
        if (rp.source === 'mic' && !rp.paused) this.#observeSpeaker(producer, true);
        producer.observer.once('close', () => {
          if (rp.producer === producer) {
            rp.producer = undefined;
            rp.piped = undefined;
          }
        });
        return producer;
      },
      (err: Error) => {
        this.#options.logger.warn({ err: { message: err.message }, producer: rp.id, server: sender.server }, 'could not pipe a producer of another server');
        if (rp.piped === piped) rp.piped = undefined;
        return null;
      },
    );
    rp.piped = piped;
    return piped;
  }

  /** The participants of other servers and their producers, as last synced. */
  get remoteSenders(): ReadonlyMap<string, RemoteSender> {
    return this.#remote;
  }

  /**
   * Brings the participants of other servers in line with `list` (cluster/media-bridge.ts): new ones
   * count for the chairs and the last-N, their producers are consumed here as the forwarding policy
   * says; gone ones and stopped producers are closed.
   */
  syncRemote(list: readonly { id: string; accountId: string; role: string; server: string; producers: readonly { id: string; kind: 'audio' | 'video'; source: MediaSource; paused: boolean }[] }[]): void {
    if (this.#closed) return;
    let members = false;
    const seen = new Set<string>();
    const fresh: [RemoteSender, RemoteProducer][] = [];
    for (const entry of list) {
      if (this.#peers.has(entry.id)) continue;
      seen.add(entry.id);
      let sender = this.#remote.get(entry.id);
      if (!sender || sender.server !== entry.server) {
        if (sender) this.#dropRemote(sender);
        sender = { id: entry.id, accountId: entry.accountId, role: entry.role, server: entry.server, producers: new Map() };
        this.#remote.set(entry.id, sender);
        members = true;
      }
      const ids = new Set(entry.producers.map((p) => p.id));
      for (const rp of [...sender.producers.values()]) if (!ids.has(rp.id)) this.#closeRemoteProducer(sender, rp);
      for (const p of entry.producers) {
        const rp = sender.producers.get(p.id);
        if (!rp) {
          const state: RemoteProducer = { id: p.id, kind: p.kind, source: p.source, paused: p.paused };
          sender.producers.set(p.id, state);
          fresh.push([sender, state]);
        } else if (rp.paused !== p.paused) {
          rp.paused = p.paused;
          if (rp.producer && !rp.producer.closed) {
            const producer = rp.producer;
            void (p.paused ? producer.pause() : producer.resume()).then(() => rp.source === 'mic' && this.#observeSpeaker(producer, !p.paused)).catch(() => undefined);
          }
          if (p.paused && rp.source === 'mic' && this.#activeSpeaker === sender.id) this.#setSpeaker(null);
          if (!p.paused) fresh.push([sender, rp]);
        }
      }
    }
    for (const sender of [...this.#remote.values()]) {
      if (!seen.has(sender.id)) {
        this.#dropRemote(sender);
        members = true;
      }
    }
    if (members) this.#membersChanged();
    for (const [sender, rp] of fresh) for (const receiver of this.#peers.values()) void this.#consumeRemote(receiver, sender, rp);
  }

  #closeRemoteProducer(sender: RemoteSender, rp: RemoteProducer): void {
    rp.gone = true;
    sender.producers.delete(rp.id);
    if (rp.source === 'mic' && this.#activeSpeaker === sender.id) this.#setSpeaker(null);
    if (rp.producer && !rp.producer.closed) rp.producer.close();
  }

  #dropRemote(sender: RemoteSender): void {
    for (const rp of [...sender.producers.values()]) this.#closeRemoteProducer(sender, rp);
    this.#remote.delete(sender.id);
    this.#speakerHistory = this.#speakerHistory.filter((id) => id !== sender.id);
  }

  /**
   * Whether a receiver needs a consumer of that producer now. Consumers are made on first need and
   * then kept (paused when not forwarded): a 300-point room in controlled mode would otherwise give
   * every receiver ~600 consumers, nearly all paused, and every browser as many transceivers.
   * - plain RTP receivers: the chair's and the current speaker's media only;
   * - microphones: once not paused (a muted point's audio is not forwarded anyway);
   * - cameras and screens: once the forwarding policy sends them (last-N, pinned, chair, on screen).
   */
  #wants(receiver: Peer, senderId: string, kind: 'audio' | 'video', paused: boolean, source: MediaSource): boolean {
    if (receiver.subscription !== 'all') return this.#subscribes(receiver, senderId);
    if (kind === 'audio') return !paused;
    return this.#videoDecision(receiver, senderId, source).forward;
  }

  /** The forwarding policy's answer for one sender's video to this receiver, with the room's last-N and chairs. */
  #videoDecision(receiver: Peer, senderId: string, source: MediaSource): VideoDecision {
    return decideVideo({ views: receiver.tileViews, mode: receiver.receiveMode }, { peerId: senderId, source }, { lastN: this.#lastN, chairs: this.#chairs });
  }

  async #makeConsumer(
    receiver: Peer,
    senderId: string,
    producer: types.Producer<{ source: MediaSource; peerId: string }>,
    { caps, transport, target, source }: { caps: types.RtpCapabilities; transport: types.WebRtcTransport | types.PlainTransport; target: RoomRouter; source: RoomRouter },
  ): Promise<void> {
    if (target !== source) {
      try {
        await this.#pipe(producer.id, source, target);
      } catch (err) {
        this.#options.logger.warn({ err, producer: producer.id }, 'could not pipe a producer to another router');
        return;
      }
    }
    if (!target.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      this.#options.logger.warn({ receiver: receiver.id, producer: producer.id }, 'peer cannot consume producer');
      return;
    }
    let consumer: types.Consumer<ConsumerData>;
    try {
      consumer = await transport.consume<ConsumerData>({
        producerId: producer.id,
        rtpCapabilities: caps,
        // Paused until the client has set it up and asks to resume, so no keyframe is lost.
        paused: true,
        // Retransmission for audio too: mediasoup leaves it out of audio consumers by default
        // (`enableRtx` defaults to video only, and without it plain `nack` is stripped from the
        // consumer's parameters), so a commune's downlink loss went unrepaired. Opus has no RTX
        // codec: lost packets are resent as they were, which Chromium's jitter buffer takes.
        enableRtx: true,
        // A plain endpoint has nothing to set up: its media flows at once.
        appData: { peerId: senderId, source: producer.appData.source, clientPaused: receiver.subscription === 'all', sentPaused: true, forwarding: true, layers: '' },
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
    // Nothing forwarded any more (the layer it had went silent): plan this receiver again now,
    // not at the next round.
    if (consumer.kind === 'video') consumer.on('layerschange', (layers) => layers || this.#planReceiver(receiver));
    consumer.on('producerpause', () => receiver.notify('consumerPaused', { consumerId: consumer.id }));
    consumer.on('producerresume', () => receiver.notify('consumerResumed', { consumerId: consumer.id }));
    receiver.notify('newConsumer', {
      id: consumer.id,
      producerId: producer.id,
      peerId: senderId,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    });
    await this.#applyConsumer(receiver, consumer);
  }

  /** Tells the others (and the rooms' listeners) that a participant's state changed. */
  #peerUpdated(peer: Peer): void {
    this.#broadcast(peer, 'peerUpdated', { peer: peer.info() });
    this.#options.onPeerUpdated?.(this, peer);
  }

  /**
   * A producer of a participant of this server, on the main router (piped there first if its sender
   * sits on another router): what another server's pipe consumes (cluster/media-bridge.ts).
   */
  async localProducerOnMain(producerId: string): Promise<{ peer: Peer; producer: types.Producer<{ source: MediaSource; peerId: string }> } | undefined> {
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.get(producerId);
      if (!producer) continue;
      const home = this.routerOf(peer);
      const main = this.#routers[0];
      if (home && main && home !== main) await this.#pipe(producerId, home, main);
      return { peer, producer };
    }
    return undefined;
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
    clearInterval(this.#adaptTimer);
    const peers = [...this.#peers.values()];
    for (const p of peers) p.close();
    this.#peers.clear();
    for (const r of this.#remote.values()) for (const rp of r.producers.values()) rp.gone = true;
    this.#remote.clear();
    if (!this.#closing && peers.length > 0) {
      // The router went away under us (its worker died): everyone rejoins by themselves, and the
      // room is made again on a living worker.
      this.#options.logger.warn({ room: this.name, peers: peers.length }, 'router closed under the room; peers will rejoin');
      for (const p of peers) p.disconnect(MEDIA_RESTART_CLOSE_CODE, 'media server restarted');
    }
    // Without its main router the room is gone: its other routers go too.
    for (const r of this.#routers.slice(1)) if (!r.router.closed) r.router.close();
  }

  close(): void {
    this.#closing = true;
    this.#closeAll();
    for (const r of [...this.#routers].reverse()) if (!r.router.closed) r.router.close();
  }
}

function samePlan(a: StreamPlan, b: StreamPlan): boolean {
  return a.forward === b.forward && a.priority === b.priority && a.layers.spatialLayer === b.layers.spatialLayer && a.layers.temporalLayer === b.layers.temporalLayer;
}

function symmetricDifference(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (!b.has(x)) out.add(x);
  for (const x of b) if (!a.has(x)) out.add(x);
  return out;
}
