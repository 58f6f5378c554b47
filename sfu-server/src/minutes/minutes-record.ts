/**
 * Everything the meeting recorded, assembled for its minutes: details, agenda, attendance by
 * bridge point and delegate, speaking turns, closed votes with their results, and the chair's
 * conclusions (passed in, read from their shared editor).
 */
import type { MinutesBlock, MinutesRecord } from '../../../common/api/minutes';
import type { MeetingStatus } from '../../../common/api/model';
import { meetingAttendance } from '../attendance/attendance-store';
import { notFound } from '../errors';
import type { Db } from '../store/database';
import { meetingVotesReport } from '../voting/vote-report';

async function accountName(db: Db, id: string): Promise<string> {
  return (await db.selectFrom('accounts').select('display_name').where('id', '=', id).executeTakeFirst())?.display_name ?? '';
}

/** The host bridge point if one was set, else "online" with the number of points. */
async function placeOf(db: Db, meetingId: string): Promise<string> {
  const host = await db
    .selectFrom('meeting_room_state')
    .innerJoin('bridge_points', 'bridge_points.id', 'meeting_room_state.host_point_id')
    .select('bridge_points.name')
    .where('meeting_room_state.meeting_id', '=', meetingId)
    .executeTakeFirst();
  const points = await db.selectFrom('meeting_points').select((eb) => eb.fn.countAll<number | string>().as('n')).where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
  const online = `Họp trực tuyến${Number(points.n) ? `, ${Number(points.n)} điểm cầu` : ''}`;
  return host ? `${host.name} (điểm cầu chủ trì); ${online.toLowerCase()}` : online;
}

export async function assembleMinutes(db: Db, meetingId: string, conclusions: MinutesBlock[], now = new Date()): Promise<MinutesRecord> {
  const m = await db.selectFrom('meetings').selectAll().where('id', '=', meetingId).executeTakeFirst();
  if (!m) throw notFound('meeting');
  const agenda = await db.selectFrom('agenda_items').selectAll().where('meeting_id', '=', meetingId).orderBy('position').execute();
  const turns = await db.selectFrom('speaking_turns').selectAll().where('meeting_id', '=', meetingId).orderBy('started_at').orderBy('id').execute();
  const votes = await meetingVotesReport(db, meetingId);
  const recordings = await db.selectFrom('recordings').select(['started_at', 'stopped_at', 'status', 'sha256', 'duration_seconds']).where('meeting_id', '=', meetingId).orderBy('started_at').execute();
  return {
    meeting: {
      id: m.id,
      title: m.title,
      description: m.description,
      startsAt: m.starts_at,
      endsAt: m.ends_at,
      status: m.status as MeetingStatus,
      place: await placeOf(db, meetingId),
      chairName: await accountName(db, m.chair_id),
      secretaryName: await accountName(db, m.secretary_id),
    },
    agenda: agenda.map((a) => ({ position: a.position, title: a.title, presenter: a.presenter, durationMinutes: a.duration_minutes })),
    attendance: await meetingAttendance(db, meetingId, now),
    recordings: recordings.map((r) => ({ startedAt: r.started_at, stoppedAt: r.stopped_at, status: r.status, sha256: r.sha256, durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds) })),
    speakers: turns.map((t) => ({ displayName: t.display_name, pointName: t.point_name, topic: t.topic, startedAt: t.started_at, endedAt: t.ended_at })),
    votes: votes.votes.map((v) => ({
      question: v.question,
      agendaItem: v.agendaItem,
      secret: v.secret,
      closedAt: v.closedAt,
      eligible: v.result.eligible,
      cast: v.result.cast,
      quorumMet: v.result.quorumMet,
      passed: v.result.passed,
      options: v.result.options.map((o) => ({ label: o.label, count: o.count, percentOfCast: o.percentOfCast })),
    })),
    conclusions,
    generatedAt: now.toISOString(),
  };
}
