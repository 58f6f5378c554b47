/**
 * All rooms of this server: created on the least-loaded worker on first join, spread over more
 * workers when they outgrow one router (`maxPeersPerRouter`), closed when empty.
 */
import { EventEmitter } from 'node:events';
import type { Notifications } from '../../../common/protocol';
import type { Actor } from '../auth/policy';
import type { Logger } from '../observability/logger';
import { mediaCodecs } from './media-codecs';
import type { Peer } from './peer';
import { leastLoadedWorker, type WorkerLoad } from './placement';
import { Room, type AudioGate, type RemotePipe, type TransportSettings } from './room';
import type { WorkerPool } from './worker-pool';

/** Decides whether this actor may enter that meeting's room now (removed, locked): throws an AppError if not. */
export type JoinGuard = (meetingId: string, actor: Actor) => Promise<void>;

/** What features (attendance, floor, voting...) can follow: presence in a meeting's room. */
export interface RoomsEvents {
  peerJoined: [room: Room, peer: Peer];
  peerLeft: [room: Room, peer: Peer];
  /** A peer's producers changed (one came, went, paused or resumed). */
  peerUpdated: [room: Room, peer: Peer];
}

export interface RoomsOptions {
  pool: WorkerPool;
  transport: TransportSettings;
  maxPeersPerRoom: number;
  /** Camera senders forwarded to each receiver (the last N speakers; plus pinned, chair, screens). */
  lastN?: number;
  /** Participants per router before a room spills onto another worker (absent: never). */
  maxPeersPerRouter?: number;
  logger: Logger;
}

export class Rooms {
  readonly #rooms = new Map<string, Promise<Room>>();
  /** Rooms whose creation has finished, by name: for synchronous lookups and broadcasts. */
  readonly #ready = new Map<string, Room>();
  readonly #options: RoomsOptions;
  readonly events = new EventEmitter<RoomsEvents>();
  #audioGate: AudioGate = () => true;
  readonly #joinGuards: JoinGuard[] = [];
  #remotePipe: RemotePipe | undefined;

  constructor(options: RoomsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** The room of that meeting if it is open now (no creation). */
  find(name: string): Room | undefined {
    const room = this.#ready.get(name);
    return room && !room.closed ? room : undefined;
  }

  /** Sends a notification to everyone in a meeting's room (or those `filter` accepts); no-op if no room. */
  broadcast<N extends keyof Notifications>(name: string, notification: N, data: Notifications[N], filter?: (peer: Peer) => boolean): void {
    const room = this.find(name);
    if (!room) return;
    for (const peer of room.peers.values()) if (!filter || filter(peer)) peer.notify(notification, data);
  }

  /**
   * Who may send audio (the floor and host mute decide): asked when a peer starts or resumes its
   * microphone, so the rule holds on the server whatever the client does.
   */
  setAudioGate(gate: AudioGate): void {
    this.#audioGate = gate;
  }

  /** Several servers: how a producer of another server is piped into a room here (cluster/media-bridge.ts). */
  setRemotePipe(pipe: RemotePipe): void {
    this.#remotePipe = pipe;
  }

  /** Adds a check run before every join (after the meeting policy allowed it). */
  addJoinGuard(guard: JoinGuard): void {
    this.#joinGuards.push(guard);
  }

  /** Runs the join guards: throws the first refusal. */
  async checkJoin(meetingId: string, actor: Actor): Promise<void> {
    for (const guard of this.#joinGuards) await guard(meetingId, actor);
  }

  /** The room of that name, created if needed (concurrent callers share one creation). */
  async get(name: string): Promise<Room> {
    const existing = this.#rooms.get(name);
    if (existing) {
      const room = await existing;
      if (!room.closed) return room;
      if (this.#rooms.get(name) === existing) this.#rooms.delete(name);
      return this.get(name);
    }
    const creation = this.#create(name);
    this.#rooms.set(name, creation);
    creation.catch(() => this.#rooms.delete(name));
    return creation;
  }

  /** Participants and routers on each worker now, for placement. */
  workerLoads(): WorkerLoad[] {
    const loads = this.#options.pool.workers.map((w) => ({ index: w.index, alive: !w.worker.closed && !w.worker.died, routers: w.load, peers: 0 }));
    for (const room of this.#ready.values()) {
      for (const r of room.routers) {
        const load = loads[r.workerIndex];
        if (load) load.peers += r.peers.size;
      }
    }
    return loads;
  }

  /** A router for a room on that worker, counted in the worker's load while it lives. */
  async #createRouter(name: string, workerIndex: number) {
    const slot = this.#options.pool.workers[workerIndex];
    if (!slot || slot.worker.closed || slot.worker.died) throw new Error(`mediasoup worker ${workerIndex} is not running`);
    const worker = slot.worker;
    const router = await worker.createRouter({ mediaCodecs, appData: { room: name } });
    slot.load++;
    router.observer.once('close', () => {
      // The slot may hold a replacement worker by now: only count down our own.
      if (slot.worker === worker) slot.load = Math.max(0, slot.load - 1);
    });
    return router;
  }

  async #create(name: string): Promise<Room> {
    const index = leastLoadedWorker(this.workerLoads());
    if (index === undefined) throw new Error('no mediasoup worker is running');
    const router = await this.#createRouter(name, index);
    const speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    const logger = this.#options.logger.child({ room: name });
    const room = new Room({
      name,
      router,
      workerIndex: index,
      ...(this.#options.maxPeersPerRouter
        ? {
            spill: {
              maxPeersPerRouter: this.#options.maxPeersPerRouter,
              workers: () => this.workerLoads(),
              createRouter: (workerIndex: number) => this.#createRouter(name, workerIndex),
            },
          }
        : {}),
      transport: this.#options.transport,
      maxPeers: this.#options.maxPeersPerRoom,
      ...(this.#options.lastN ? { lastN: this.#options.lastN } : {}),
      speakerObserver,
      logger,
      onEmpty: (r) => this.#remove(r),
      audioGate: (room, peer) => this.#audioGate(room, peer),
      onPeerJoined: (room, peer) => this.events.emit('peerJoined', room, peer),
      onPeerLeft: (room, peer) => this.events.emit('peerLeft', room, peer),
      onPeerUpdated: (room, peer) => this.events.emit('peerUpdated', room, peer),
      remotePipe: (room, sender, producerId) => {
        if (!this.#remotePipe) return Promise.reject(new Error('no media between servers here'));
        return this.#remotePipe(room, sender, producerId);
      },
    });
    this.#ready.set(name, room);
    router.observer.once('close', () => {
      if (this.#ready.get(name) === room) this.#ready.delete(name);
    });
    logger.info({ worker: index }, 'room created');
    return room;
  }

  #remove(room: Room): void {
    const entry = this.#rooms.get(room.name);
    room.close();
    if (entry) {
      void entry.then((r) => {
        if (r === room && this.#rooms.get(room.name) === entry) this.#rooms.delete(room.name);
      });
    }
    this.#options.logger.info({ room: room.name }, 'room closed');
  }

  /** Closes a room now (its meeting ended): every peer is disconnected with the given reason. */
  async close(name: string, code: number, reason: string): Promise<void> {
    const entry = this.#rooms.get(name);
    if (!entry) return;
    const room = await entry.catch(() => null);
    if (!room || room.closed) return;
    const peers = [...room.peers.values()];
    room.close();
    for (const peer of peers) peer.disconnect(code, reason);
    // Their presence ends here (attendance): the room no longer reports their leaving itself.
    for (const peer of peers) this.events.emit('peerLeft', room, peer);
    if (this.#rooms.get(name) === entry) this.#rooms.delete(name);
  }

  async list(): Promise<Room[]> {
    const settled = await Promise.allSettled(this.#rooms.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' && !s.value.closed ? [s.value] : []));
  }

  async closeAll(): Promise<void> {
    for (const room of await this.list()) room.close();
    this.#rooms.clear();
  }
}
