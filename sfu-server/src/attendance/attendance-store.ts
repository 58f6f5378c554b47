/** Loading and saving attendance; `meetingAttendance` is what the minutes read. */
import type { Kysely, Transaction } from 'kysely';
import type { AttendanceState } from '../../../common/protocol';
import { notFound } from '../errors';
import { loadQuorumRule } from '../floor/floor-store';
import type { Db } from '../store/database';
import type { Database } from '../store/schema';
import { buildAttendance, type AttendanceModel, type PresenceRecord } from './attendance-model';

type Tx = Kysely<Database> | Transaction<Database>;

/**
 * The meeting's attendance from the store. `closeOpen`: presences still open in the store were
 * cut by a server stop; they are closed at `now` (the server is loading them again).
 */
export async function loadAttendance(db: Tx, meetingId: string, now = new Date()): Promise<AttendanceModel> {
  const meeting = await db.selectFrom('meetings').select(['chair_id', 'secretary_id', 'created_by']).where('id', '=', meetingId).executeTakeFirst();
  if (!meeting) throw notFound('meeting');
  const points = await db
    .selectFrom('meeting_points')
    .innerJoin('bridge_points', 'bridge_points.id', 'meeting_points.bridge_point_id')
    .innerJoin('units', 'units.id', 'bridge_points.unit_id')
    .select(['bridge_points.id', 'bridge_points.name', 'bridge_points.headcount', 'units.name as unitName'])
    .where('meeting_points.meeting_id', '=', meetingId)
    .execute();
  const delegates = await db
    .selectFrom('meeting_delegates')
    .innerJoin('accounts', 'accounts.id', 'meeting_delegates.account_id')
    .select(['accounts.id', 'accounts.display_name'])
    .where('meeting_delegates.meeting_id', '=', meetingId)
    .execute();
  const rows = await db.selectFrom('attendance').selectAll().where('meeting_id', '=', meetingId).execute();
  const rollCalls = await db.selectFrom('roll_calls').selectAll().where('meeting_id', '=', meetingId).execute();
  const records = new Map<string, PresenceRecord>();
  for (const r of rows) {
    records.set(r.account_id, {
      accountId: r.account_id,
      displayName: r.display_name,
      role: r.role,
      bridgePointId: r.bridge_point_id,
      firstJoinedAt: r.first_joined_at,
      lastLeftAt: r.last_left_at,
      onlineSince: r.online_since,
      totalSeconds: r.total_seconds,
      markedPresent: r.marked_present === 1,
      markedAtPointId: r.marked_at_point_id,
      live: 0,
      server: r.server_id,
    });
  }
  return {
    meetingId,
    organisers: new Set([meeting.chair_id, meeting.secretary_id, meeting.created_by]),
    points: new Map(points.map((p) => [p.id, { name: p.name, unitName: p.unitName, headcount: p.headcount }])),
    delegates: new Map(delegates.map((d) => [d.id, d.display_name])),
    records,
    rollCalls: new Map(rollCalls.map((r) => [r.bridge_point_id, { presentCount: r.present_count, takenAt: r.taken_at }])),
    rule: await loadQuorumRule(db, meetingId),
  };
}

export async function saveRecord(db: Tx, meetingId: string, r: PresenceRecord, markedBy?: string): Promise<void> {
  const values = {
    display_name: r.displayName,
    role: r.role,
    bridge_point_id: r.bridgePointId,
    first_joined_at: r.firstJoinedAt,
    last_left_at: r.lastLeftAt,
    online_since: r.onlineSince,
    total_seconds: r.totalSeconds,
    marked_present: r.markedPresent ? 1 : 0,
    marked_at_point_id: r.markedAtPointId,
    server_id: r.onlineSince ? (r.server ?? null) : null,
    ...(markedBy ? { marked_by: markedBy } : {}),
    updated_at: new Date().toISOString(),
  };
  await db
    .insertInto('attendance')
    .values({ meeting_id: meetingId, account_id: r.accountId, marked_by: null, ...values })
    .onConflict((oc) => oc.columns(['meeting_id', 'account_id']).doUpdateSet(values))
    .execute();
}

/**
 * Several servers: closes one presence row that `server` left open, only while it is still that
 * server's row with that `online_since` (the account may have come back through another server
 * meanwhile). `closed` is the record after `left()`. True when the row was closed.
 */
export async function closeServerRow(db: Tx, meetingId: string, server: string, openSince: string, closed: PresenceRecord): Promise<boolean> {
  const done = await db
    .updateTable('attendance')
    .set({ online_since: null, last_left_at: closed.lastLeftAt, total_seconds: closed.totalSeconds, server_id: null, updated_at: new Date().toISOString() })
    .where('meeting_id', '=', meetingId)
    .where('account_id', '=', closed.accountId)
    .where('server_id', '=', server)
    .where('online_since', '=', openSince)
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

export async function saveRollCall(db: Tx, meetingId: string, bridgePointId: string, presentCount: number, takenBy: string, takenAt: string): Promise<void> {
  const values = { present_count: presentCount, taken_by: takenBy, taken_at: takenAt };
  await db
    .insertInto('roll_calls')
    .values({ meeting_id: meetingId, bridge_point_id: bridgePointId, ...values })
    .onConflict((oc) => oc.columns(['meeting_id', 'bridge_point_id']).doUpdateSet(values))
    .execute();
}

/**
 * A meeting's attendance, by bridge point and by delegate, as stored (for the minutes): who came,
 * when they first joined and last left, how long they were connected, the roll calls, the quorum.
 * Presences still open count up to `now`.
 */
export async function meetingAttendance(db: Db, meetingId: string, now = new Date()): Promise<AttendanceState> {
  return buildAttendance(await loadAttendance(db, meetingId), now);
}
