/**
 * Figures about the media side for operators: per worker (routers, CPU) and per room
 * (participants, producers, consumers, bitrate), as JSON (GET /api/metrics) and as Prometheus
 * gauges (GET /metrics).
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MediaMetrics, RoomMetrics, WorkerMetrics } from '../../../common/api/metrics';
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

  constructor(pool: WorkerPool, rooms: Rooms) {
    this.#pool = pool;
    this.#rooms = rooms;
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
    return this.registry.metrics();
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
