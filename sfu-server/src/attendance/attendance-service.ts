/**
 * Attendance of every live meeting: presence from the room's join/leave events, the roll call per
 * bridge point, delegates marked present at a point, and the quorum. Each change is stored, then
 * pushed to the meeting's organisers as `attendance.changed` (only the rows that changed).
 */
import { AppError, notFound } from '../errors';
import type { Actor } from '../auth/policy';
import { saveQuorumRule } from '../floor/floor-store';
import { Serial } from '../floor/serial';
import type { Peer } from '../media/peer';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import type { MeetingQuorumRule } from '../../../common/protocol';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { buildAttendance, delegateRow, emptyRecord, joined, left, otherRow, pointRow, presentIds, quorumOf, type AttendanceModel, type PresenceRecord } from './attendance-model';
import { closeServerRow, loadAttendance, saveRecord, saveRollCall } from './attendance-store';

/** A participant who left less than this ago may come back into a locked meeting (a reconnect). */
export const RECONNECT_GRACE_MS = 2 * 60_000;

export class AttendanceService {
  readonly #db: Db;
  readonly #rooms: Rooms;
  readonly #logger: Logger;
  readonly #models = new Map<string, Promise<AttendanceModel>>();
  readonly #serial = new Serial();
  /** Several servers: this server's id, written on the presence rows it opens (absent on one server). */
  readonly #serverId: string | undefined;

  constructor(db: Db, rooms: Rooms, logger: Logger, serverId?: string) {
    this.#db = db;
    this.#rooms = rooms;
    this.#logger = logger;
    this.#serverId = serverId;
    rooms.events.on('peerJoined', (room, peer) => this.#presence(room.name, peer, 'joined'));
    rooms.events.on('peerLeft', (room, peer) => this.#presence(room.name, peer, 'left'));
  }

  /**
   * The meeting's model, loaded when first needed and kept while anyone is connected; presences a
   * server stop left open are closed at load. It is let go when its last connection leaves (also
   * when the meeting ends: the room closes) and loaded again from the store when needed.
   */
  model(meetingId: string): Promise<AttendanceModel> {
    let m = this.#models.get(meetingId);
    if (!m) {
      m = this.#loadClosingStale(meetingId);
      m.catch(() => this.#models.delete(meetingId));
      this.#models.set(meetingId, m);
    }
    return m;
  }

  async #loadClosingStale(meetingId: string): Promise<AttendanceModel> {
    const model = await loadAttendance(this.#db, meetingId);
    const now = new Date();
    for (const r of model.records.values()) {
      if (!r.onlineSince) continue;
      // Several servers: another server's open row is its participant's presence, not a stale one
      // (a dead server's rows are closed by the meeting's home: closeServerRows).
      if (this.#serverId && r.server && r.server !== this.#serverId) continue;
      r.live = 1;
      left(r, now);
      await saveRecord(this.#db, meetingId, r);
    }
    return model;
  }

  /**
   * Several servers, at start: the presence rows an earlier process with this SERVER_ID left open
   * (it crashed or was killed) are closed now, in every meeting, so none stays open because this
   * server does not load that meeting again. Returns how many were closed.
   */
  async closeOwnOpenRows(now = new Date()): Promise<number> {
    if (!this.#serverId) return 0;
    const rows = await this.#db.selectFrom('attendance').select(['meeting_id', 'account_id', 'online_since', 'total_seconds']).where('server_id', '=', this.#serverId).where('online_since', 'is not', null).execute();
    let closed = 0;
    for (const r of rows) {
      if (!r.online_since) continue;
      const next = { ...emptyRecord(r.account_id, '', '', null), onlineSince: r.online_since, totalSeconds: r.total_seconds, live: 1 };
      left(next, now);
      if (await closeServerRow(this.#db, r.meeting_id, this.#serverId, r.online_since, next)) closed++;
    }
    if (closed > 0) this.#logger.info({ rows: closed }, 'attendance: presences left open by this server’s previous run closed');
    return closed;
  }

  /** Whether the meeting's model is in memory now (metrics, tests). */
  isLoaded(meetingId: string): boolean {
    return this.#models.has(meetingId);
  }

  /**
   * Connected now, or left less than the reconnect grace ago. Asked by the join guard of a locked
   * meeting before the account is in the room: if the join is refused, nobody holds the model.
   */
  async recentlyPresent(meetingId: string, accountId: string): Promise<boolean> {
    const r = (await this.model(meetingId)).records.get(accountId);
    this.#releaseIfIdle(meetingId);
    if (!r) return false;
    if (r.onlineSince) return true;
    return r.lastLeftAt !== null && Date.now() - Date.parse(r.lastLeftAt) < RECONNECT_GRACE_MS;
  }

  /** Accounts present now: connected, or marked present (what a vote counts as present). */
  async presentIds(meetingId: string): Promise<Set<string>> {
    const ids = presentIds(await this.model(meetingId));
    this.#releaseIfIdle(meetingId);
    return ids;
  }

  /**
   * A read that loaded the model for nobody connected (a refused join, a vote counted with the room
   * empty) lets it go again. Queued behind the presences already announced, so a join under way
   * finds its record in the store; a model with anyone connected stays (closing it at the next load
   * would end their presence).
   */
  #releaseIfIdle(meetingId: string): void {
    void this.#serial
      .run(meetingId, async () => {
        const loaded = this.#models.get(meetingId);
        if (loaded && [...(await loaded).records.values()].every((x) => x.live === 0) && this.#models.get(meetingId) === loaded) this.#models.delete(meetingId);
      })
      .catch((err: unknown) => this.#logger.error({ err, meetingId }, 'attendance model not released'));
  }

  async state(meetingId: string) {
    return buildAttendance(await this.model(meetingId));
  }

  async rollCall(meetingId: string, actor: Actor, bridgePointId: string, presentCount: number): Promise<void> {
    await this.#serial.run(meetingId, async () => {
      const model = await this.model(meetingId);
      if (!model.points.has(bridgePointId)) throw notFound('invited bridge point');
      const takenAt = new Date().toISOString();
      await this.#db.transaction().execute(async (tx) => {
        await saveRollCall(tx, meetingId, bridgePointId, presentCount, actor.accountId, takenAt);
        await audit(tx, { actorId: actor.accountId, action: 'attendance.rollCall', targetType: 'meeting', targetId: meetingId, details: { bridgePointId, presentCount } });
      });
      model.rollCalls.set(bridgePointId, { presentCount, takenAt });
      this.#push(model, { points: [bridgePointId] });
    });
  }

  async mark(meetingId: string, actor: Actor, accountId: string, present: boolean, bridgePointId: string | null): Promise<void> {
    await this.#serial.run(meetingId, async () => {
      const model = await this.model(meetingId);
      const name = model.delegates.get(accountId);
      if (name === undefined) throw notFound('invited delegate');
      if (bridgePointId && !model.points.has(bridgePointId)) throw notFound('invited bridge point');
      const r = { ...(model.records.get(accountId) ?? emptyRecord(accountId, name, 'delegate', null)) };
      r.markedPresent = present;
      r.markedAtPointId = present ? bridgePointId : null;
      await this.#db.transaction().execute(async (tx) => {
        await saveRecord(tx, meetingId, r, actor.accountId);
        await audit(tx, { actorId: actor.accountId, action: 'attendance.mark', targetType: 'meeting', targetId: meetingId, details: { accountId, present, bridgePointId } });
      });
      model.records.set(accountId, r);
      this.#push(model, { delegates: [accountId] });
    });
  }

  async setQuorumRule(meetingId: string, actor: Actor, rule: MeetingQuorumRule): Promise<void> {
    if (rule.numerator > rule.denominator) throw new AppError('bad_request', 'the quorum fraction cannot be more than one');
    await this.#serial.run(meetingId, async () => {
      const model = await this.model(meetingId);
      await this.#db.transaction().execute(async (tx) => {
        await saveQuorumRule(tx, meetingId, rule);
        await audit(tx, { actorId: actor.accountId, action: 'attendance.quorum', targetType: 'meeting', targetId: meetingId, details: { ...rule } });
      });
      model.rule = rule;
      this.#push(model, {});
    });
  }

  #presence(meetingId: string, peer: Peer, what: 'joined' | 'left'): void {
    this.#record(meetingId, peer.identity, what, true);
  }

  /**
   * Several servers (cluster/presence-bridge.ts): a participant carried by another server came or
   * went. That server stores the row; the model here (panel, quorum, votes' present) follows it.
   * Only for meetings whose model is held here (someone is connected here).
   */
  remotePresence(meetingId: string, who: { accountId: string; displayName: string; role: string; server: string }, what: 'joined' | 'left'): void {
    if (!this.#models.has(meetingId)) return;
    this.#record(meetingId, who, what, false);
  }

  /**
   * Several servers: a server died (its liveness lease lapsed) and left presence rows open in the
   * store; they are closed at `at`, in a transaction that `fence` checks first (the meeting's home
   * lease: one server does it, and a stale home cannot). Returns how many rows were closed.
   */
  async closeServerRows(meetingId: string, server: string, at: Date, fence: (tx: Transaction<Database>) => Promise<void>): Promise<number> {
    return this.#serial.run(meetingId, async () => {
      const closed = await this.#db.transaction().execute(async (tx) => {
        await fence(tx);
        const model = await loadAttendance(tx, meetingId);
        const out: PresenceRecord[] = [];
        for (const r of model.records.values()) {
          if (!r.onlineSince || r.server !== server) continue;
          const next = { ...r, live: 1 };
          left(next, at);
          if (await closeServerRow(tx, meetingId, server, r.onlineSince, next)) out.push({ ...next, server: null });
        }
        return out;
      });
      // The model held here (if any) follows, unless the account is connected again meanwhile.
      const held = this.#models.get(meetingId);
      if (held && closed.length > 0) {
        const model = await held;
        for (const r of closed) if ((model.records.get(r.accountId)?.live ?? 0) === 0) model.records.set(r.accountId, r);
      }
      return closed.length;
    });
  }

  #record(meetingId: string, who: { accountId: string; displayName: string; role: string; server?: string }, what: 'joined' | 'left', store: boolean): void {
    const at = new Date();
    void this.#serial
      .run(meetingId, async () => {
        const model = await this.model(meetingId);
        const id = who.accountId;
        let r = model.records.get(id);
        if (!r) {
          const account = await this.#db.selectFrom('accounts').select('bridge_point_id').where('id', '=', id).executeTakeFirst();
          r = emptyRecord(id, who.displayName, who.role, account?.bridge_point_id ?? null);
        }
        const next = { ...r };
        if (what === 'joined') {
          const opens = next.onlineSince === null;
          joined(next, at);
          // The row names the server carrying the presence it opens (this one, or the other's it follows).
          if (opens) next.server = store ? (this.#serverId ?? null) : (who.server ?? null);
        } else left(next, at);
        if (store) await saveRecord(this.#db, meetingId, next);
        model.records.set(id, next);
        this.#push(model, next.bridgePointId ? { points: [next.bridgePointId] } : model.delegates.has(id) ? { delegates: [id] } : { others: [id] });
        // Nobody connected any more: everything is in the store, and nothing needs the model in memory.
        if (what === 'left' && [...model.records.values()].every((x) => x.live === 0)) this.#models.delete(meetingId);
      })
      .catch((err: unknown) => this.#logger.error({ err, meetingId }, 'attendance not recorded'));
  }

  /** Tells the organisers in the room what changed. */
  #push(model: AttendanceModel, changed: { points?: string[]; delegates?: string[]; others?: string[] }): void {
    const now = new Date();
    this.#rooms.broadcast(
      model.meetingId,
      'attendance.changed',
      {
        points: (changed.points ?? []).filter((id) => model.points.has(id)).map((id) => pointRow(model, id, now)),
        delegates: (changed.delegates ?? []).map((id) => delegateRow(model, id, now)),
        others: (changed.others ?? []).map((id) => otherRow(model, id, now)),
        quorum: quorumOf(model, now),
        at: now.toISOString(),
      },
      (p) => p.identity.role === 'admin' || model.organisers.has(p.identity.accountId),
    );
  }
}
