/**
 * The mediasoup workers: one per core by default. A worker that dies is replaced at the same
 * index, and listeners are told so rooms on it can be rebuilt.
 */
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../observability/logger';

export interface WorkerPoolOptions {
  count: number;
  workerBin?: string;
  logLevel: types.WorkerLogLevel;
  logger: Logger;
}

export interface PooledWorker {
  index: number;
  worker: types.Worker;
  /** Rooms (or routers) placed on this worker, for least-loaded placement. */
  load: number;
}

interface WorkerPoolEvents {
  workerReplaced: [index: number, worker: types.Worker];
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #workers: PooledWorker[] = [];
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    for (let i = 0; i < options.count; i++) {
      pool.#workers.push({ index: i, worker: await pool.#spawn(i), load: 0 });
    }
    return pool;
  }

  async #spawn(index: number): Promise<types.Worker> {
    const settings: types.WorkerSettings = { logLevel: this.#options.logLevel, appData: { index } };
    if (this.#options.workerBin) settings.workerBin = this.#options.workerBin;
    const worker = await mediasoup.createWorker(settings);
    worker.on('died', (error) => {
      this.#options.logger.error({ index, pid: worker.pid, err: error }, 'mediasoup worker died');
      if (!this.#closed) void this.#replace(index);
    });
    this.#options.logger.info({ index, pid: worker.pid }, 'mediasoup worker started');
    return worker;
  }

  async #replace(index: number): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const worker = await this.#spawn(index);
        const slot = this.#workers[index];
        if (!slot) return;
        slot.worker = worker;
        slot.load = 0;
        this.emit('workerReplaced', index, worker);
        return;
      } catch (err) {
        this.#options.logger.error({ index, attempt, err }, 'could not restart mediasoup worker');
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      }
    }
  }

  get workers(): readonly PooledWorker[] {
    return this.#workers;
  }

  /** Workers that are running now. */
  get alive(): number {
    return this.#workers.filter((w) => !w.worker.closed && !w.worker.died).length;
  }

  /** The living worker with the least load. */
  leastLoaded(): PooledWorker {
    const candidates = this.#workers.filter((w) => !w.worker.closed && !w.worker.died);
    const best = candidates.sort((a, b) => a.load - b.load || a.index - b.index)[0];
    if (!best) throw new Error('no mediasoup worker is running');
    return best;
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#workers) w.worker.close();
  }
}
