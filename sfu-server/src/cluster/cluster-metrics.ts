/**
 * Several servers (issue 16, wiring step 7): this server's part of the cluster in `/metrics`,
 * read at each scrape (prom-client `collect`): the meeting event bus's counters, the leases it
 * holds (its liveness and the meetings it is the home of), and per meeting the participants it
 * carries and those it knows on the other servers. Prometheus's `instance` label (or the
 * `phonghop_cluster_server_info{server}` series) tells the servers apart.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Rooms } from '../media/rooms';
import type { BusStats } from './event-bus';

export interface ClusterMetricsSource {
  serverId: string;
  bus: { stats(): BusStats };
  /** This server's liveness lease, while held. */
  liveness: { readonly current: unknown };
  homes: { held(): string[]; carried(): string[] };
  rooms: Rooms;
  /** The participants of a meeting known on the other servers. */
  remote: (meetingId: string) => readonly unknown[];
  /** Presence rows of dead servers closed here since the start. */
  deadRowsClosed: () => number;
  /** This server's drain (drain.ts). */
  drain?: { readonly draining: boolean; readonly moved: number } | undefined;
}

const BUS_FIGURES: [keyof BusStats, string][] = [
  ['published', 'published'],
  ['publishFailed', 'publish_failed'],
  ['received', 'received'],
  ['invalid', 'invalid'],
  ['gaps', 'gaps'],
  ['reconnects', 'reconnects'],
];

export function registerClusterMetrics(registry: Registry, src: ClusterMetricsSource): void {
  new Gauge({
    name: 'phonghop_cluster_server_info',
    help: 'This server among several (value 1), by its SERVER_ID',
    labelNames: ['server'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ server: src.serverId }, 1);
    },
  });
  new Counter({
    name: 'phonghop_cluster_bus_messages_total',
    help: 'Meeting event bus (Redis) since the start: published, publish_failed, received, invalid (dropped), gaps (a sender’s sequence jumped), reconnects',
    labelNames: ['what'],
    registers: [registry],
    collect() {
      const stats = src.bus.stats();
      this.reset();
      for (const [key, what] of BUS_FIGURES) this.inc({ what }, stats[key]);
    },
  });
  new Gauge({
    name: 'phonghop_cluster_leases_held',
    help: 'Leases this server holds now: its liveness lease (kind="server", 0 or 1) and meeting home leases (kind="meeting")',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ kind: 'server' }, src.liveness.current ? 1 : 0);
      this.set({ kind: 'meeting' }, src.homes.held().length);
    },
  });
  new Gauge({
    name: 'phonghop_cluster_meeting_home',
    help: 'Whether this server is the meeting’s home (holds its lease: vote timers run here)',
    labelNames: ['meeting'],
    registers: [registry],
    collect() {
      this.reset();
      const held = new Set(src.homes.held());
      for (const meeting of src.homes.carried()) this.set({ meeting }, held.has(meeting) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'phonghop_cluster_meeting_participants',
    help: 'Participants of a meeting carried by this server (where="local") and known on the other servers (where="remote")',
    labelNames: ['meeting', 'where'],
    registers: [registry],
    async collect() {
      this.reset();
      const meetings = new Set([...(await src.rooms.list()).map((r) => r.name), ...src.homes.carried()]);
      for (const meeting of meetings) {
        this.set({ meeting, where: 'local' }, src.rooms.find(meeting)?.peers.size ?? 0);
        this.set({ meeting, where: 'remote' }, src.remote(meeting).length);
      }
    },
  });
  new Gauge({
    name: 'phonghop_cluster_draining',
    help: 'Whether this server is drained (1: placement does not choose it and it moves its participants to the others)',
    registers: [registry],
    collect() {
      this.set(src.drain?.draining ? 1 : 0);
    },
  });
  new Counter({
    name: 'phonghop_cluster_drain_moved_total',
    help: 'Participants this server told to move to another server (drain) since the start',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(src.drain?.moved ?? 0);
    },
  });
  new Counter({
    name: 'phonghop_cluster_dead_server_rows_closed_total',
    help: 'Presence rows left open by dead servers that this server closed (as the meetings’ home)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(src.deadRowsClosed());
    },
  });
}
