/**
 * The floor and attendance tables on SQLite and PostgreSQL: the room state, queue, moderation,
 * attendance and roll calls are written (inserts and upserts) and read back the same on both, and
 * `meetingAttendance` and the minutes' record (speaking turns) report them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUORUM } from '../../common/protocol';
import { emptyRecord, joined, left } from '../../sfu-server/src/attendance/attendance-model';
import { loadAttendance, meetingAttendance, saveRecord, saveRollCall } from '../../sfu-server/src/attendance/attendance-store';
import { endRequest, finishSpeaking, loadFloor, loadQuorumRule, saveModeration, saveQuorumRule, saveRoomState, startTurn } from '../../sfu-server/src/floor/floor-store';
import { assembleMinutes } from '../../sfu-server/src/minutes/minutes-record';
import type { Db } from '../../sfu-server/src/store/database';
import { usePostgres } from '../support/use-postgres';
import { ENGINES, openTestServices, type Engine, type TestServices } from '../support/stores';

const pg = usePostgres();

async function seed(db: Db) {
  const now = new Date().toISOString();
  const unit = randomUUID();
  await db.insertInto('units').values({ id: unit, name: 'UBND tỉnh', level: 'province', parent_id: null, created_at: now }).execute();
  const points = [randomUUID(), randomUUID()];
  await db.insertInto('bridge_points').values(points.map((id, i) => ({ id, unit_id: unit, name: `Điểm cầu ${i + 1}`, headcount: 20 + i, created_at: now }))).execute();
  const account = (role: string, name: string, bridgePointId: string | null = null) => ({
    id: randomUUID(),
    username: `${role}.${randomUUID()}`,
    display_name: name,
    title: '',
    role,
    unit_id: unit,
    bridge_point_id: bridgePointId,
    password_hash: 'x',
    disabled: 0,
    created_at: now,
    updated_at: now,
  });
  const chair = account('chair', 'Chủ tọa');
  const sec = account('secretary', 'Thư ký');
  const op = account('operator', 'Điểm cầu 1', points[0]!);
  const d1 = account('delegate', 'Đại biểu Một');
  const d2 = account('delegate', 'Đại biểu Hai');
  await db.insertInto('accounts').values([chair, sec, op, d1, d2]).execute();
  const meetingId = randomUUID();
  await db
    .insertInto('meetings')
    .values({ id: meetingId, title: 'Họp', description: '', starts_at: now, ends_at: now, status: 'live', chair_id: chair.id, secretary_id: sec.id, created_by: sec.id, created_at: now, updated_at: now })
    .execute();
  await db.insertInto('meeting_points').values(points.map((p) => ({ meeting_id: meetingId, bridge_point_id: p }))).execute();
  await db.insertInto('meeting_delegates').values([d1, d2].map((d) => ({ meeting_id: meetingId, account_id: d.id }))).execute();
  return { meetingId, points, chair, sec, op, d1, d2 };
}

describe.each(ENGINES)('floor and attendance store on %s', (engine: Engine) => {
  let s: TestServices;
  beforeAll(async () => {
    s = await openTestServices(engine, pg.current);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('saves and reloads the room state, the queue and moderation', async () => {
    const { meetingId, points, chair, sec, op, d1 } = await seed(s.db);
    const model = await loadFloor(s.db, meetingId);
    expect(model).toMatchObject({ chairId: chair.id, secretaryId: sec.id, holder: null, queue: [], settings: { controlled: false, locked: false } });
    await s.db
      .insertInto('speak_requests')
      .values([
        { id: 'r2', meeting_id: meetingId, account_id: d1.id, display_name: 'Đại biểu Một', point_name: '', topic: 'B', requested_at: '2026-01-01T08:00:02.000Z', status: 'waiting', ended_at: null },
        { id: 'r1', meeting_id: meetingId, account_id: op.id, display_name: 'Điểm cầu 1', point_name: 'Điểm cầu 1', topic: 'A', requested_at: '2026-01-01T08:00:01.000Z', status: 'waiting', ended_at: null },
      ])
      .execute();
    await endRequest(s.db, 'r1', 'speaking');
    const holder = { accountId: op.id, displayName: 'Điểm cầu 1', pointName: 'Điểm cầu 1', topic: 'A', startedAt: '2026-01-01T08:01:00.000Z' };
    await saveRoomState(s.db, { ...model, holder, settings: { controlled: true, limitSeconds: 300, warningSeconds: 60, hostPointId: points[1]!, locked: true } });
    // Twice: the second write updates the same rows.
    await saveModeration(s.db, meetingId, d1.id, { displayName: 'Đại biểu Một', hostMuted: true, removed: false });
    await saveModeration(s.db, meetingId, d1.id, { displayName: 'Đại biểu Một', hostMuted: true, removed: true });
    await saveQuorumRule(s.db, meetingId, { basis: 'points', numerator: 2, denominator: 3, strict: false });

    const again = await loadFloor(s.db, meetingId);
    expect(again.settings).toEqual({ controlled: true, limitSeconds: 300, warningSeconds: 60, hostPointId: points[1], locked: true });
    expect(again.hostPointName).toBe('Điểm cầu 2');
    expect(again.holder).toEqual(holder);
    expect(again.queue.map((r) => r.id)).toEqual(['r2']);
    expect(again.moderation.get(d1.id)).toEqual({ displayName: 'Đại biểu Một', hostMuted: true, removed: true });
    expect(await loadQuorumRule(s.db, meetingId)).toEqual({ basis: 'points', numerator: 2, denominator: 3, strict: false });
    await finishSpeaking(s.db, meetingId);
    const served = await s.db.selectFrom('speak_requests').select(['id', 'status']).where('meeting_id', '=', meetingId).orderBy('id').execute();
    expect(served).toEqual([
      { id: 'r1', status: 'done' },
      { id: 'r2', status: 'waiting' },
    ]);
  });

  it('starts large meetings (10 points or more) in controlled mode, small ones open', async () => {
    const small = await seed(s.db);
    expect((await loadFloor(s.db, small.meetingId)).settings.controlled).toBe(false);
    const large = await seed(s.db);
    const now = new Date().toISOString();
    const unit = (await s.db.selectFrom('bridge_points').select('unit_id').where('id', '=', large.points[0]!).executeTakeFirstOrThrow()).unit_id;
    const more = Array.from({ length: 8 }, () => randomUUID());
    await s.db.insertInto('bridge_points').values(more.map((id) => ({ id, unit_id: unit, name: 'Điểm cầu xã', headcount: 10, created_at: now }))).execute();
    await s.db.insertInto('meeting_points').values(more.map((p) => ({ meeting_id: large.meetingId, bridge_point_id: p }))).execute();
    const model = await loadFloor(s.db, large.meetingId);
    expect(model.settings.controlled).toBe(true);
    // Once stored, the meeting's own choice wins.
    await saveRoomState(s.db, { ...model, settings: { ...model.settings, controlled: false } });
    expect((await loadFloor(s.db, large.meetingId)).settings.controlled).toBe(false);
  });

  it('keeps attendance and roll calls, and reports them for the minutes', async () => {
    const { meetingId, points, op, d1, d2, chair } = await seed(s.db);
    expect(await loadQuorumRule(s.db, meetingId)).toEqual(DEFAULT_QUORUM);
    const r = emptyRecord(op.id, 'Điểm cầu 1', 'operator', points[0]!);
    joined(r, new Date('2026-01-01T08:00:00Z'));
    await saveRecord(s.db, meetingId, r);
    left(r, new Date('2026-01-01T08:20:00Z'));
    await saveRecord(s.db, meetingId, r);
    const d = emptyRecord(d1.id, 'Đại biểu Một', 'delegate', null);
    joined(d, new Date('2026-01-01T08:05:00Z'));
    await saveRecord(s.db, meetingId, d);
    const marked = { ...emptyRecord(d2.id, 'Đại biểu Hai', 'delegate', null), markedPresent: true, markedAtPointId: points[0]! };
    await saveRecord(s.db, meetingId, marked, chair.id);
    const c = emptyRecord(chair.id, 'Chủ tọa', 'chair', null);
    joined(c, new Date('2026-01-01T08:00:00Z'));
    await saveRecord(s.db, meetingId, c);
    await saveRollCall(s.db, meetingId, points[0]!, 15, chair.id, '2026-01-01T08:10:00.000Z');
    await saveRollCall(s.db, meetingId, points[0]!, 17, chair.id, '2026-01-01T08:11:00.000Z');

    const model = await loadAttendance(s.db, meetingId);
    expect(model.records.get(op.id)).toMatchObject({ totalSeconds: 1200, onlineSince: null, lastLeftAt: '2026-01-01T08:20:00.000Z' });
    const report = await meetingAttendance(s.db, meetingId, new Date('2026-01-01T08:35:00Z'));
    expect(report.points).toEqual([
      { bridgePointId: points[0], name: 'Điểm cầu 1', unitName: 'UBND tỉnh', headcount: 20, online: false, firstJoinedAt: '2026-01-01T08:00:00.000Z', lastLeftAt: '2026-01-01T08:20:00.000Z', totalSeconds: 1200, rollCall: { presentCount: 17, takenAt: '2026-01-01T08:11:00.000Z' } },
      { bridgePointId: points[1], name: 'Điểm cầu 2', unitName: 'UBND tỉnh', headcount: 21, online: false, firstJoinedAt: null, lastLeftAt: null, totalSeconds: 0, rollCall: null },
    ]);
    expect(report.delegates.find((x) => x.accountId === d1.id)).toMatchObject({ online: true, present: true, totalSeconds: 30 * 60 });
    expect(report.delegates.find((x) => x.accountId === d2.id)).toMatchObject({ online: false, present: true, markedAtPointId: points[0] });
    expect(report.others).toEqual([expect.objectContaining({ accountId: chair.id, role: 'chair', online: true })]);
    expect(report.quorum).toMatchObject({ basis: 'delegates', total: 2, present: 2, required: 2, met: true });
    const who = await s.db.selectFrom('attendance').select('marked_by').where('account_id', '=', d2.id).executeTakeFirstOrThrow();
    expect(who.marked_by).toBe(chair.id);
  });

  it('records speaking turns with their start and end, and the minutes record reads them', async () => {
    const { meetingId, d1, d2 } = await seed(s.db);
    const at = (second: number) => new Date(Date.UTC(2026, 10, 23, 8, 0, second)).toISOString();
    await startTurn(s.db, meetingId, { accountId: d1.id, displayName: 'Đại biểu Một', pointName: 'Điểm cầu 1', topic: 'Dự toán ngân sách', startedAt: at(0) });
    await finishSpeaking(s.db, meetingId);
    await startTurn(s.db, meetingId, { accountId: d2.id, displayName: 'Đại biểu Hai', pointName: '', topic: '', startedAt: at(30) });
    const r = await assembleMinutes(s.db, meetingId, []);
    expect(r.speakers.map((x) => [x.displayName, x.topic, x.startedAt, x.endedAt !== null])).toEqual([
      ['Đại biểu Một', 'Dự toán ngân sách', at(0), true],
      ['Đại biểu Hai', '', at(30), false],
    ]);
    expect(r.meeting).toMatchObject({ place: 'Họp trực tuyến, 2 điểm cầu', chairName: 'Chủ tọa', secretaryName: 'Thư ký' });
    expect(r.attendance.points).toHaveLength(2);
    await s.db.insertInto('meeting_minutes').values({ meeting_id: meetingId, document_key: randomUUID(), pack_document_id: null, updated_at: at(0) }).execute();
    expect(await s.db.selectFrom('meeting_minutes').select('pack_document_id').where('meeting_id', '=', meetingId).executeTakeFirstOrThrow()).toEqual({ pack_document_id: null });
  });
});
