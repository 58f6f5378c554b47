/**
 * This server as one of several (issue 16, wiring step 1): the meeting event bus on Redis, the
 * leases in PostgreSQL, and the `server:<id>` liveness lease the others judge it alive by.
 * Made by server.ts only when REDIS_URL is set (config.ts then requires PostgreSQL).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from '../observability/logger';
import { PgLeases, type LeaseGrant } from './lease';
import { LeaseKeeper } from './lease-keeper';
import { RedisEventBus } from './redis-event-bus';

export interface ClusterNodeOptions {
  redisUrl: string;
  serverId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
  leaseTtlMs: number;
  logger: Logger;
  /** This server lost its liveness lease: the others now count it dead. */
  onLivenessLost: (grant: LeaseGrant) => void;
  /** How long to wait for the liveness lease at start (another live process with this SERVER_ID holds it). */
  startTimeoutMs?: number;
}

export const livenessLease = (serverId: string) => `server:${serverId}`;

export class ClusterNode {
  private constructor(
    readonly serverId: string,
    readonly bus: RedisEventBus,
    readonly leases: PgLeases,
    readonly liveness: LeaseKeeper,
  ) {}

  static async start(o: ClusterNodeOptions): Promise<ClusterNode> {
    const leases = new PgLeases(o.db);
    await leases.ensureSchema();
    const liveness = new LeaseKeeper({
      leases,
      name: livenessLease(o.serverId),
      // A restarted process is a new owner (its token is higher).
      owner: `${o.serverId}/${randomBytes(4).toString('hex')}`,
      ttlMs: o.leaseTtlMs,
      logger: o.logger,
      onLost: (grant, reason) => {
        if (reason !== 'released') o.onLivenessLost(grant);
      },
    });
    liveness.start();
    const deadline = Date.now() + (o.startTimeoutMs ?? Math.max(10_000, o.leaseTtlMs * 3));
    while (!liveness.current) {
      if (Date.now() > deadline) {
        await liveness.stop();
        throw new Error(`SERVER_ID ${o.serverId}: its liveness lease is held by another running server; give each server its own SERVER_ID`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    let bus: RedisEventBus;
    try {
      bus = await RedisEventBus.connect({ url: o.redisUrl, serverId: o.serverId, logger: o.logger });
    } catch (err) {
      await liveness.stop({ release: true });
      throw err;
    }
    o.logger.info({ serverId: o.serverId, fencingToken: liveness.current?.token }, 'cluster: this server is live among several');
    return new ClusterNode(o.serverId, bus, leases, liveness);
  }

  /** Whether that server's liveness lease is live now (by the database's clock). */
  async alive(serverId: string): Promise<boolean> {
    if (serverId === this.serverId) return this.liveness.current !== null;
    return (await this.leases.current(livenessLease(serverId)))?.live ?? false;
  }

  /** Leaves the cluster: the liveness lease is given up at once, so the others drop this server now. */
  async close(): Promise<void> {
    await this.bus.close();
    await this.liveness.stop({ release: true });
  }
}
