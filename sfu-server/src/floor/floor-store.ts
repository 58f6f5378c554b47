/** Loading and saving a meeting's floor (room state, speaker queue, speaking turns, host mutes and removals). */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_QUORUM, type MeetingQuorumRule } from '../../../common/protocol';
import { notFound } from '../errors';
import type { Database } from '../store/schema';
import { DEFAULT_SETTINGS, type FloorModel, type ModerationEntry } from './floor-model';
import { LARGE_MEETING_POINTS } from '../../../common/meeting-size';

type Db = Kysely<Database> | Transaction<Database>;

export async function loadFloor(db: Db, meetingId: string): Promise<FloorModel> {
  const meeting = await db.selectFrom('meetings').select(['chair_id', 'secretary_id', 'created_by']).where('id', '=', meetingId).executeTakeFirst();
  if (!meeting) throw notFound('meeting');
  const row = await db.selectFrom('meeting_room_state').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
  const waiting = await db
    .selectFrom('speak_requests')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'waiting')
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
  const moderation = new Map<string, ModerationEntry>();
  for (const m of await db.selectFrom('meeting_moderation').selectAll().where('meeting_id', '=', meetingId).execute()) {
    moderation.set(m.account_id, { displayName: m.display_name, hostMuted: m.host_muted === 1, removed: m.removed === 1 });
  }
  const settings = row
    ? { controlled: row.controlled === 1, limitSeconds: row.limit_seconds, warningSeconds: row.warning_seconds, hostPointId: row.host_point_id, locked: row.locked === 1 }
    : { ...DEFAULT_SETTINGS, controlled: await isLarge(db, meetingId) };
  return {
    meetingId,
    chairId: meeting.chair_id,
    secretaryId: meeting.secretary_id,
    createdBy: meeting.created_by,
    settings,
    hostPointName: settings.hostPointId ? await pointName(db, settings.hostPointId) : '',
    holder:
      row?.holder_account_id && row.holder_started_at
        ? { accountId: row.holder_account_id, displayName: row.holder_name, pointName: row.holder_point, topic: row.holder_topic, startedAt: row.holder_started_at }
        : null,
    queue: waiting.map((r) => ({ id: r.id, accountId: r.account_id, displayName: r.display_name, pointName: r.point_name, topic: r.topic, requestedAt: r.requested_at })),
    moderation,
    pointOf: new Map(),
  };
}

/**
 * A meeting of many bridge points starts with the floor controlled (only the chair, the host point
 * and the speaker are heard), as provincial conferences run; the chair can switch it off.
 */
export const CONTROLLED_FROM_POINTS = LARGE_MEETING_POINTS;

async function isLarge(db: Db, meetingId: string): Promise<boolean> {
  const row = await db.selectFrom('meeting_points').select((eb) => eb.fn.countAll<number | string>().as('n')).where('meeting_id', '=', meetingId).executeTakeFirst();
  return Number(row?.n ?? 0) >= CONTROLLED_FROM_POINTS;
}

export async function pointName(db: Db, bridgePointId: string): Promise<string> {
  const p = await db.selectFrom('bridge_points').select('name').where('id', '=', bridgePointId).executeTakeFirst();
  return p?.name ?? '';
}

/** The meeting's quorum rule (stored with the room state; the default until set). */
export async function loadQuorumRule(db: Db, meetingId: string): Promise<MeetingQuorumRule> {
  const row = await db.selectFrom('meeting_room_state').select('quorum_rule').where('meeting_id', '=', meetingId).executeTakeFirst();
  if (!row) return { ...DEFAULT_QUORUM };
  try {
    return { ...DEFAULT_QUORUM, ...(JSON.parse(row.quorum_rule) as Partial<MeetingQuorumRule>) };
  } catch {
    return { ...DEFAULT_QUORUM };
  }
}

/** Makes sure the meeting has a room-state row (defaults), so later updates touch one row. */
async function ensureRow(db: Db, meetingId: string): Promise<void> {
  await db
    .insertInto('meeting_room_state')
    .values({
      meeting_id: meetingId,
      controlled: DEFAULT_SETTINGS.controlled ? 1 : 0,
      limit_seconds: DEFAULT_SETTINGS.limitSeconds,
      warning_seconds: DEFAULT_SETTINGS.warningSeconds,
      host_point_id: null,
      locked: 0,
      quorum_rule: JSON.stringify(DEFAULT_QUORUM),
      holder_account_id: null,
      holder_name: '',
      holder_point: '',
      holder_topic: '',
      holder_started_at: null,
      updated_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('meeting_id').doNothing())
    .execute();
}

/** Saves the settings and the floor holder of the model. */
export async function saveRoomState(db: Db, model: FloorModel): Promise<void> {
  await ensureRow(db, model.meetingId);
  const h = model.holder;
  await db
    .updateTable('meeting_room_state')
    .set({
      controlled: model.settings.controlled ? 1 : 0,
      limit_seconds: model.settings.limitSeconds,
      warning_seconds: model.settings.warningSeconds,
      host_point_id: model.settings.hostPointId,
      locked: model.settings.locked ? 1 : 0,
      holder_account_id: h?.accountId ?? null,
      holder_name: h?.displayName ?? '',
      holder_point: h?.pointName ?? '',
      holder_topic: h?.topic ?? '',
      holder_started_at: h?.startedAt ?? null,
      updated_at: new Date().toISOString(),
    })
    .where('meeting_id', '=', model.meetingId)
    .execute();
}

export async function saveQuorumRule(db: Db, meetingId: string, rule: MeetingQuorumRule): Promise<void> {
  await ensureRow(db, meetingId);
  await db.updateTable('meeting_room_state').set({ quorum_rule: JSON.stringify(rule), updated_at: new Date().toISOString() }).where('meeting_id', '=', meetingId).execute();
}

export async function saveModeration(db: Db, meetingId: string, accountId: string, entry: ModerationEntry): Promise<void> {
  const values = { display_name: entry.displayName, host_muted: entry.hostMuted ? 1 : 0, removed: entry.removed ? 1 : 0, updated_at: new Date().toISOString() };
  await db
    .insertInto('meeting_moderation')
    .values({ meeting_id: meetingId, account_id: accountId, ...values })
    .onConflict((oc) => oc.columns(['meeting_id', 'account_id']).doUpdateSet(values))
    .execute();
}

/** Ends a speak request (served, withdrawn). */
export async function endRequest(db: Db, id: string, status: 'speaking' | 'done' | 'withdrawn'): Promise<void> {
  await db
    .updateTable('speak_requests')
    .set({ status, ...(status === 'speaking' ? {} : { ended_at: new Date().toISOString() }) })
    .where('id', '=', id)
    .execute();
}

/**
 * The request being served (if the floor was given from the queue) is done, and the speaking turn
 * ends, at `at` (a handover passes the next turn's start, so the minutes show no gap or overlap).
 */
export async function finishSpeaking(db: Db, meetingId: string, at = new Date().toISOString()): Promise<void> {
  await db.updateTable('speak_requests').set({ status: 'done', ended_at: at }).where('meeting_id', '=', meetingId).where('status', '=', 'speaking').execute();
  await db.updateTable('speaking_turns').set({ ended_at: at }).where('meeting_id', '=', meetingId).where('ended_at', 'is', null).execute();
}

/** A speaking turn starts (kept for the minutes: who spoke, from when, until when). */
export async function startTurn(db: Db, meetingId: string, holder: { accountId: string; displayName: string; pointName: string; topic: string; startedAt: string }): Promise<void> {
  await db
    .insertInto('speaking_turns')
    .values({ id: randomUUID(), meeting_id: meetingId, account_id: holder.accountId, display_name: holder.displayName, point_name: holder.pointName, topic: holder.topic, started_at: holder.startedAt, ended_at: null })
    .execute();
}
