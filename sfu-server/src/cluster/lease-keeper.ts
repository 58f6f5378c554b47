/**
 * Holds one lease for this server for as long as it can: tries to take it while someone else holds
 * it, renews it while held, and says when it is gained and lost.
 *
 * The holder's own belief ends before the database's: each renewal is timed from the moment it
 * was *sent* (the database's expiry is counted from a later instant), minus a margin for clocks
 * running at slightly different rates. So when another server takes the lapsed lease, this one
 * has already stopped acting on it: `current` is null and `onLost` has run. Anything that still
 * slips through (a process paused between reading `current` and writing) is stopped by the fence
 * (`PgLeases.checkFence`) with the token.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../observability/logger';
import { LeaseLostError, type LeaseGrant, type PgLeases } from './lease';

export interface LeaseKeeperOptions {
  leases: PgLeases;
  name: string;
  /** Unique per process (server id + random), so a restarted server is a new owner. */
  owner: string;
  ttlMs: number;
  /** How often a held lease is renewed (default ttl / 3). */
  renewEveryMs?: number;
  /** How often a lease held by another is tried (default ttl / 3). */
  retryEveryMs?: number;
  logger: Logger;
  onAcquired?: (grant: LeaseGrant) => void;
  onLost?: (grant: LeaseGrant, reason: 'lapsed' | 'taken' | 'released') => void;
}

export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  readonly #margin: number;
  #grant: LeaseGrant | null = null;
  /** performance.now() until which this process may act on the grant. */
  #validUntil = 0;
  #timer: NodeJS.Timeout | null = null;
  #expiry: NodeJS.Timeout | null = null;
  #running = false;
  #busy: Promise<void> = Promise.resolve();

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
    // Clock-rate differences are far below 1 %; 2 % of the TTL (at least 20 ms) is kept in hand.
    this.#margin = Math.max(20, Math.round(options.ttlMs * 0.02));
  }

  /** The grant, while this process may act on it; null otherwise. */
  get current(): LeaseGrant | null {
    if (this.#grant && performance.now() < this.#validUntil) return this.#grant;
    return null;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops trying and renewing; `release` gives a held lease up at once (else it lapses after the TTL). */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#busy;
    const grant = this.#grant;
    if (grant && options.release) {
      this.#drop('released');
      await this.#o.leases.release(grant).catch((err: unknown) => this.#o.logger.warn({ err, lease: grant.name }, 'lease: release failed; it lapses by itself'));
    }
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#busy = this.#tick().finally(() => {
        if (this.#running) this.#schedule(this.#grant ? (this.#o.renewEveryMs ?? this.#o.ttlMs / 3) : (this.#o.retryEveryMs ?? this.#o.ttlMs / 3));
      });
    }, ms);
    this.#timer.unref?.();
  }

  async #tick(): Promise<void> {
    const sentAt = performance.now();
    const { leases, name, owner, ttlMs, logger } = this.#o;
    try {
      if (this.#grant) {
        const renewed = await leases.renew(this.#grant, ttlMs);
        if (!this.#grant || this.#grant.token !== renewed.token) {
          // It lapsed here while the renewal was on its way: give it up rather than hold it unused.
          await leases.release(renewed).catch(() => undefined);
          return;
        }
        this.#grant = renewed;
        this.#hold(sentAt);
      } else {
        const grant = await leases.tryAcquire(name, owner, ttlMs);
        if (!grant || !this.#running) {
          // Taken while stopping: let it go again at once.
          if (grant) await leases.release(grant).catch(() => undefined);
          return;
        }
        this.#grant = grant;
        this.#hold(sentAt);
        logger.info({ lease: name, fencingToken: grant.token }, 'lease acquired');
        this.#o.onAcquired?.(grant);
      }
    } catch (err) {
      if (err instanceof LeaseLostError) {
        if (this.#grant) this.#drop('taken');
        return;
      }
      // The database is away: keep the grant until its local validity ends (the expiry timer).
      logger.warn({ err: { message: (err as Error).message }, lease: name }, 'lease: database unreachable');
    }
  }

  #hold(sentAt: number): void {
    this.#validUntil = sentAt + this.#o.ttlMs - this.#margin;
    if (this.#expiry) clearTimeout(this.#expiry);
    this.#expiry = setTimeout(() => this.#drop('lapsed'), Math.max(0, this.#validUntil - performance.now()));
    this.#expiry.unref?.();
  }

  #drop(reason: 'lapsed' | 'taken' | 'released'): void {
    const grant = this.#grant;
    if (!grant) return;
    this.#grant = null;
    this.#validUntil = 0;
    if (this.#expiry) clearTimeout(this.#expiry);
    this.#expiry = null;
    this.#o.logger.warn({ lease: grant.name, fencingToken: grant.token, reason }, 'lease lost');
    this.#o.onLost?.(grant, reason);
  }
}
