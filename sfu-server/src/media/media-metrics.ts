/**
 * Figures about the media side for operators: per worker (routers, CPU) and per room
 * (participants, producers, consumers, bitrate), as JSON (GET /api/metrics) and as Prometheus
 * gauges (GET /metrics).
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MediaMetrics, RoomMetrics, WorkerMetrics } from '../../../common/api/metrics';
import type { EventLoopDelay } from '../observability/event-loop-delay';
import type { PdfJobs } from '../pdf-jobs/pdf-jobs';
import type { Room } from './room';
import type { Rooms } from './rooms';
import type { WorkerPool } from './worker-pool';

export class MediaMetricsService {
  readonly registry = new Registry();
  readonly #pool: WorkerPool;
  readonly #rooms: Rooms;
  /** The previous CPU reading of each worker process, for a share of a core between readings. */
  readonly #lastCpu = new Map<number, { seconds: number; at: number }>();
  readonly #gauges;

  readonly #server: { eventLoop?: EventLoopDelay; pdfJobs?: PdfJobs };

  /** `server`: the main thread's event-loop delay and the PDF workers, reported with the media figures. */
  constructor(pool: WorkerPool, rooms: Rooms, server: { eventLoop?: EventLoopDelay; pdfJobs?: PdfJobs } = {}) {
    this.#pool = pool;
    this.#rooms = rooms;
    this.#server = server;
    collectDefaultMetrics({ register: this.registry, prefix: 'phonghop_' });
    const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name: `phonghop_${name}`, help, labelNames, registers: [this.registry] });
    this.#gauges = {
      workerUp: gauge('worker_up', 'Whether the mediasoup worker runs (1) or not (0)', ['worker']),
      workerRouters: gauge('worker_routers', 'Routers on the mediasoup worker', ['worker']),
      workerCpu: gauge('worker_cpu_seconds', 'CPU time used by the mediasoup worker process (user + system)', ['worker']),
      workerCpuRatio: gauge('worker_cpu_ratio', 'Share of one core the worker used since the previous reading', ['worker']),
      workerRss: gauge('worker_max_rss_bytes', 'Peak resident memory of the worker process', ['worker']),
      roomParticipants: gauge('room_participants', 'Participants in the room', ['room']),
      roomProducers: gauge('room_producers', 'Producers in the room', ['room', 'kind']),
      roomConsumers: gauge('room_consumers', 'Consumers in the room', ['room']),
      roomForwarding: gauge('room_consumers_forwarding', 'Consumers whose media flows now', ['room']),
      roomRouters: gauge('room_routers', 'Routers (workers) the room uses', ['room']),
      roomBitrateIn: gauge('room_bitrate_in_bps', 'Bits per second received from the room’s participants', ['room']),
      roomBitrateOut: gauge('room_bitrate_out_bps', 'Bits per second sent to the room’s participants', ['room']),
      eventLoopP99: gauge('event_loop_delay_p99_ms', 'p99 of the main thread’s event-loop delay over the last 10–20 s, milliseconds', []),
      eventLoopMax: gauge('event_loop_delay_max_ms', 'Largest event-loop delay of the main thread over the last 10–20 s, milliseconds', []),
      pdfJobs: gauge('pdf_jobs', 'PDF jobs in the worker threads now', ['state']),
      pdfJobsTotal: gauge('pdf_jobs_total', 'PDF jobs since the start, by outcome', ['outcome']),
    };
  }

  async snapshot(): Promise<MediaMetrics> {
    const now = Date.now();
    const workers = await Promise.all(this.#pool.workers.map((slot) => this.#workerMetrics(slot.index, slot.worker, slot.load, now)));
    const rooms = await Promise.all((await this.#rooms.list()).map((room) => roomMetrics(room)));
    const cpu = process.cpuUsage();
    return {
      at: new Date(now).toISOString(),
      process: { pid: process.pid, cpuSeconds: (cpu.user + cpu.system) / 1e6, rssBytes: process.memoryUsage().rss },
      ...this.#serverFigures(),
      workers,
      rooms,
    };
  }

  async #workerMetrics(index: number, worker: WorkerPool['workers'][number]['worker'], routers: number, now: number): Promise<WorkerMetrics> {
    const alive = !worker.closed && !worker.died;
    let cpuSeconds = 0;
    let maxRssBytes = 0;
    if (alive) {
      try {
        const usage = await worker.getResourceUsage();
        cpuSeconds = (usage.ru_utime + usage.ru_stime) / 1000;
        maxRssBytes = usage.ru_maxrss * 1024;
      } catch {
        /* the worker died meanwhile */
      }
    }
    const last = this.#lastCpu.get(worker.pid);
    const cpuRatio = last && now > last.at ? Math.max(0, (cpuSeconds - last.seconds) / ((now - last.at) / 1000)) : null;
    if (alive) this.#lastCpu.set(worker.pid, { seconds: cpuSeconds, at: now });
    return { index, pid: worker.pid, alive, routers, cpuSeconds, cpuRatio, maxRssBytes };
  }

  /** The Prometheus text exposition of the same figures, plus the server process's own. */
  async prometheus(): Promise<string> {
    const snap = await this.snapshot();
    const g = this.#gauges;
    for (const gauge of Object.values(g)) gauge.reset();
    for (const w of snap.workers) {
      const worker = String(w.index);
      g.workerUp.set({ worker }, w.alive ? 1 : 0);
      g.workerRouters.set({ worker }, w.routers);
      g.workerCpu.set({ worker }, w.cpuSeconds);
      if (w.cpuRatio !== null) g.workerCpuRatio.set({ worker }, w.cpuRatio);
      g.workerRss.set({ worker }, w.maxRssBytes);
    }
    for (const r of snap.rooms) {
      const room = r.meetingId;
      g.roomParticipants.set({ room }, r.participants);
      g.roomProducers.set({ room, kind: 'audio' }, r.producers.audio);
      g.roomProducers.set({ room, kind: 'video' }, r.producers.video);
      g.roomConsumers.set({ room }, r.consumers);
      g.roomForwarding.set({ room }, r.consumersForwarding);
      g.roomRouters.set({ room }, r.workers.length);
      g.roomBitrateIn.set({ room }, r.bitrateIn);
      g.roomBitrateOut.set({ room }, r.bitrateOut);
    }
    const p = snap;
    if (p.eventLoopDelayP99Ms !== undefined) g.eventLoopP99.set(p.eventLoopDelayP99Ms);
    if (p.eventLoopDelayMaxMs !== undefined) g.eventLoopMax.set(p.eventLoopDelayMaxMs);
    if (p.pdfJobs) {
      g.pdfJobs.set({ state: 'running' }, p.pdfJobs.running);
      g.pdfJobs.set({ state: 'waiting' }, p.pdfJobs.waiting);
      g.pdfJobsTotal.set({ outcome: 'completed' }, p.pdfJobs.completed);
      g.pdfJobsTotal.set({ outcome: 'refused_busy' }, p.pdfJobs.refusedBusy);
      g.pdfJobsTotal.set({ outcome: 'refused_account' }, p.pdfJobs.refusedAccount);
      g.pdfJobsTotal.set({ outcome: 'stopped_cpu' }, p.pdfJobs.stoppedCpu);
      g.pdfJobsTotal.set({ outcome: 'stopped_memory' }, p.pdfJobs.stoppedMemory);
      g.pdfJobsTotal.set({ outcome: 'refused_decoded' }, p.pdfJobs.refusedDecoded);
    }
    return this.registry.metrics();
  }

  #serverFigures(): { eventLoopDelayP99Ms?: number; eventLoopDelayMaxMs?: number; pdfJobs?: ReturnType<PdfJobs['stats']> } {
    const loop = this.#server.eventLoop?.read();
    return {
      ...(loop ? { eventLoopDelayP99Ms: loop.p99Ms, eventLoopDelayMaxMs: loop.maxMs } : {}),
      ...(this.#server.pdfJobs ? { pdfJobs: this.#server.pdfJobs.stats() } : {}),
    };
  }
}

async function roomMetrics(room: Room): Promise<RoomMetrics> {
  let audio = 0;
  let video = 0;
  let consumers = 0;
  let forwarding = 0;
  const stats: Promise<{ in: number; out: number }>[] = [];
  for (const peer of room.peers.values()) {
    for (const p of peer.producers.values()) {
      if (p.kind === 'audio') audio++;
      else video++;
    }
    for (const c of peer.consumers.values()) {
      consumers++;
      if (!c.paused && !c.producerPaused) forwarding++;
    }
    for (const t of peer.transports.values()) {
      stats.push(
        t.getStats().then(
          (s) => ({ in: s[0]?.recvBitrate ?? 0, out: s[0]?.sendBitrate ?? 0 }),
          () => ({ in: 0, out: 0 }),
        ),
      );
    }
  }
  const rates = await Promise.all(stats);
  return {
    meetingId: room.name,
    participants: room.peers.size,
    producers: { audio, video },
    consumers,
    consumersForwarding: forwarding,
    workers: room.routers.map((r) => r.workerIndex),
    bitrateIn: rates.reduce((sum, r) => sum + r.in, 0),
    bitrateOut: rates.reduce((sum, r) => sum + r.out, 0),
    activeSpeaker: room.activeSpeaker,
  };
}
