/**
 * The presence rows a dead server left open (issue 16): each server stores the presence rows of
 * its own participants with its id (`attendance.server_id`) and closes only its own at load. The
 * rows of a server whose liveness lease lapsed are closed by the meeting's home, fenced by the
 * home lease (so one server does it, and a stale home cannot), at the time the dead server's
 * liveness lease ran out:
 * - when the presence bridge drops that server, for the meetings this server is the home of;
 * - when this server becomes a meeting's home (e.g. the dead server was the home), for every
 *   server with open rows in the meeting whose liveness lease is not live.
 */
import type { Logger } from '../observability/logger';
import type { Db } from '../store/database';
import type { AttendanceService } from '../attendance/attendance-service';
import type { PgLeases } from './lease';
import { livenessLease } from './cluster-node';
import type { MeetingHomes } from './meeting-home';

export interface DeadServerRowsOptions {
  db: Db;
  serverId: string;
  leases: PgLeases;
  homes: MeetingHomes;
  attendance: Pick<AttendanceService, 'closeServerRows'>;
  /** Whether that server's liveness lease is live now (by the database's clock). */
  alive: (serverId: string) => Promise<boolean>;
  logger: Logger;
}

export class DeadServerRows {
  readonly #o: DeadServerRowsOptions;
  /** Rows closed since the start (metrics, tests). */
  closed = 0;

  constructor(options: DeadServerRowsOptions) {
    this.#o = options;
  }

  /** The presence bridge dropped `server` (its liveness lease lapsed). */
  dropped(server: string, meetingIds: readonly string[]): void {
    for (const meetingId of meetingIds) if (this.#o.homes.isHome(meetingId)) void this.#close(meetingId, server);
  }

  /** This server became the meeting's home: the open rows of servers no longer live are closed. */
  async acquired(meetingId: string): Promise<void> {
    try {
      const rows = await this.#o.db
        .selectFrom('attendance')
        .select('server_id')
        .distinct()
        .where('meeting_id', '=', meetingId)
        .where('online_since', 'is not', null)
        .where('server_id', 'is not', null)
        .where('server_id', '!=', this.#o.serverId)
        .execute();
      for (const { server_id } of rows) if (server_id && !(await this.#o.alive(server_id))) await this.#close(meetingId, server_id);
    } catch (err) {
      this.#o.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster presence rows: dead servers’ rows not read');
    }
  }

  async #close(meetingId: string, server: string): Promise<void> {
    const { homes, leases, attendance, logger } = this.#o;
    try {
      // When the dead server stopped counting: its liveness lease's end (the database's clock).
      const at = (await leases.current(livenessLease(server)))?.expiresAt ?? new Date();
      const n = await attendance.closeServerRows(meetingId, server, at, (tx) => homes.fence(tx, meetingId));
      this.closed += n;
      if (n > 0) logger.info({ meetingId, server, rows: n, at }, 'cluster presence rows: a dead server’s open presences closed');
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message }, meetingId, server }, 'cluster presence rows: a dead server’s rows not closed (the next home does it)');
    }
  }
}
