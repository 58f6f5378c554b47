/** All rooms of this server: created on the least-loaded worker on first join, closed when empty. */
import type { Logger } from '../observability/logger';
import { mediaCodecs } from './media-codecs';
import { Room, type TransportSettings } from './room';
import type { WorkerPool } from './worker-pool';

export interface RoomsOptions {
  pool: WorkerPool;
  transport: TransportSettings;
  maxPeersPerRoom: number;
  logger: Logger;
}

export class Rooms {
  readonly #rooms = new Map<string, Promise<Room>>();
  readonly #options: RoomsOptions;

  constructor(options: RoomsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#rooms.size;
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

  async #create(name: string): Promise<Room> {
    const slot = this.#options.pool.leastLoaded();
    const router = await slot.worker.createRouter({ mediaCodecs, appData: { room: name } });
    slot.load++;
    router.observer.once('close', () => {
      slot.load = Math.max(0, slot.load - 1);
    });
    const logger = this.#options.logger.child({ room: name });
    const room = new Room({
      name,
      router,
      transport: this.#options.transport,
      maxPeers: this.#options.maxPeersPerRoom,
      logger,
      onEmpty: (r) => this.#remove(r),
    });
    logger.info({ worker: slot.index }, 'room created');
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
