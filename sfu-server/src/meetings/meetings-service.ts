/**
 * Meetings: created and prepared by secretaries (details, agenda, invitations), moved through
 * draft → published → live → ended (or cancelled), listed as "my meetings", joined by invitees.
 */
import { randomUUID } from 'node:crypto';
import { createEvent } from 'ics';
import { sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import type { Meeting, MeetingStatus, MyMeetings } from '../../../common/api/model';
import type { AgendaBody, InvitationsBody, MeetingBody, MeetingPatch } from '../../../common/api/requests';
import { AccessChanges } from '../access/access-changes';
import { can, canOnMeeting, TRANSITIONS, type Actor, type MeetingAction, type MeetingFacts } from '../auth/policy';
import { AppError, forbidden, notFound } from '../errors';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import type { Database } from '../store/schema';
import { agendaFromRow, meetingSummaryFromRow } from './rows';

const PAST_LIMIT = 50;

/**
 * First statement of a transaction that replaces a meeting's agenda or invitations: takes the
 * meeting row's lock, so that concurrent replacements run one after the other (on PostgreSQL,
 * under READ COMMITTED, two delete-then-insert transactions would otherwise merge their rows),
 * and checks that the meeting is still editable.
 */
async function lockForEdit(tx: Transaction<Database>, id: string): Promise<void> {
  const locked = await tx.updateTable('meetings').set({ updated_at: new Date().toISOString() }).where('id', '=', id).where('status', 'in', ['draft', 'published']).executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) throw new AppError('conflict', 'the meeting changed meanwhile');
}

export class MeetingsService {
  constructor(
    readonly db: Db,
    /** Told after a status change is stored (the conference closes when a meeting ends). */
    readonly onStatusChanged: (meetingId: string, status: MeetingStatus) => void = () => {},
    /** Told when invitations, the chair or the secretary change (open connections are checked again). */
    readonly accessChanges: AccessChanges = new AccessChanges(),
  ) {}

  /** The meetings the actor organises or is invited to, as live / upcoming / past. */
  async mine(actor: Actor, now = new Date()): Promise<MyMeetings> {
    const me = actor.accountId;
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('chair_id', '=', me),
          eb('secretary_id', '=', me),
          eb('created_by', '=', me),
          eb.and([
            eb('status', '!=', 'draft'),
            eb.or([
              eb('id', 'in', eb.selectFrom('meeting_delegates').select('meeting_id').where('account_id', '=', me)),
              eb('id', 'in', eb.selectFrom('meeting_viewers').select('meeting_id').where('account_id', '=', me)),
              ...(actor.bridgePointId ? [eb('id', 'in', eb.selectFrom('meeting_points').select('meeting_id').where('bridge_point_id', '=', actor.bridgePointId))] : []),
            ]),
          ]),
        ]),
      )
      .orderBy('starts_at', 'asc')
      .execute();
    const iso = now.toISOString();
    const result: MyMeetings = { live: [], upcoming: [], past: [] };
    for (const row of rows) {
      const m = meetingSummaryFromRow(row);
      if (m.status === 'live') result.live.push(m);
      else if ((m.status === 'draft' || m.status === 'published') && row.ends_at >= iso) result.upcoming.push(m);
      else result.past.push(m);
    }
    result.past = result.past.reverse().slice(0, PAST_LIMIT);
    return result;
  }

  /** What the policy needs about this meeting and this actor. */
  /** `db`: the caller's transaction, when it reads inside one. */
  async facts(actor: Actor, meetingId: string, db: Db = this.db): Promise<MeetingFacts & { title: string }> {
    const row = await db.selectFrom('meetings').select(['status', 'chair_id', 'secretary_id', 'created_by', 'title']).where('id', '=', meetingId).executeTakeFirst();
    if (!row) throw notFound('meeting');
    const delegate = await db.selectFrom('meeting_delegates').select('meeting_id').where('meeting_id', '=', meetingId).where('account_id', '=', actor.accountId).executeTakeFirst();
    const point = actor.bridgePointId
      ? await db.selectFrom('meeting_points').select('meeting_id').where('meeting_id', '=', meetingId).where('bridge_point_id', '=', actor.bridgePointId).executeTakeFirst()
      : undefined;
    // Watch-only (người theo dõi): asked only of those not invited with a seat.
    const viewer = delegate || point ? undefined : await db.selectFrom('meeting_viewers').select('meeting_id').where('meeting_id', '=', meetingId).where('account_id', '=', actor.accountId).executeTakeFirst();
    return { status: row.status as MeetingStatus, chairId: row.chair_id, secretaryId: row.secretary_id, createdBy: row.created_by, invited: Boolean(delegate || point), watchOnly: Boolean(viewer), title: row.title };
  }

  /** Throws `forbidden` (or `not_found` where even seeing it is not allowed) unless permitted. */
  async authorize(actor: Actor, meetingId: string, action: MeetingAction): Promise<MeetingFacts & { title: string }> {
    const facts = await this.facts(actor, meetingId);
    if (!canOnMeeting(actor, 'meeting.view', facts)) {
      // Joining says plainly "not invited"; other actions do not reveal that the meeting exists.
      if (action === 'meeting.join') throw new AppError('not_invited', 'you are not invited to this meeting');
      throw notFound('meeting');
    }
    if (!canOnMeeting(actor, action, facts)) {
      if (action === 'meeting.join') {
        if (facts.status !== 'live') throw new AppError('meeting_not_live', 'the meeting is not live');
        if (facts.watchOnly) throw new AppError('watch_only', 'you are invited to watch only: follow the live broadcast, without a seat in the conference');
        throw new AppError('not_invited', 'you are not invited to this meeting');
      }
      throw forbidden();
    }
    return facts;
  }

  async get(actor: Actor, id: string): Promise<Meeting> {
    const facts = await this.authorize(actor, id, 'meeting.view');
    const row = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const agenda = await this.db.selectFrom('agenda_items').selectAll().where('meeting_id', '=', id).orderBy('position').execute();
    const points = await this.db.selectFrom('meeting_points').select('bridge_point_id').where('meeting_id', '=', id).execute();
    const delegates = await this.db.selectFrom('meeting_delegates').select('account_id').where('meeting_id', '=', id).execute();
    // Only the people this meeting names, and only their names: the caller passed `meeting.view`.
    const named = [...new Set([row.chair_id, row.secretary_id, ...delegates.map((d) => d.account_id)])];
    const people = await this.db.selectFrom('accounts').select(['id', 'display_name', 'title']).where('id', 'in', named).orderBy('display_name').execute();
    return {
      ...meetingSummaryFromRow(row),
      description: row.description,
      agenda: agenda.map(agendaFromRow),
      invitedPointIds: points.map((p) => p.bridge_point_id),
      delegateIds: delegates.map((d) => d.account_id),
      people: people.map((p) => ({ id: p.id, displayName: p.display_name, title: p.title })),
      can: {
        edit: canOnMeeting(actor, 'meeting.edit', facts),
        transition: canOnMeeting(actor, 'meeting.transition', facts),
        join: canOnMeeting(actor, 'meeting.join', facts),
      },
    };
  }

  async create(actor: Actor, body: z.output<typeof MeetingBody>): Promise<Meeting> {
    if (!can(actor, 'meetings.create')) throw forbidden('only secretaries and admins create meetings');
    await this.#checkDetails(body.startsAt, body.endsAt, body.chairId, body.secretaryId);
    const id = randomUUID();
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('meetings')
        .values({
          id,
          title: body.title,
          description: body.description,
          starts_at: new Date(body.startsAt).toISOString(),
          ends_at: new Date(body.endsAt).toISOString(),
          status: 'draft',
          chair_id: body.chairId,
          secretary_id: body.secretaryId,
          created_by: actor.accountId,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await audit(tx, { actorId: actor.accountId, action: 'meeting.create', targetType: 'meeting', targetId: id, details: { title: body.title } });
    });
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, patch: z.output<typeof MeetingPatch>): Promise<Meeting> {
    await this.authorize(actor, id, 'meeting.edit');
    const current = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const startsAt = patch.startsAt ?? current.starts_at;
    const endsAt = patch.endsAt ?? current.ends_at;
    await this.#checkDetails(startsAt, endsAt, patch.chairId ?? current.chair_id, patch.secretaryId ?? current.secretary_id, patch.startsAt === undefined);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('meetings')
        .set({
          title: patch.title ?? current.title,
          description: patch.description ?? current.description,
          starts_at: new Date(startsAt).toISOString(),
          ends_at: new Date(endsAt).toISOString(),
          chair_id: patch.chairId ?? current.chair_id,
          secretary_id: patch.secretaryId ?? current.secretary_id,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      await audit(tx, { actorId: actor.accountId, action: 'meeting.update', targetType: 'meeting', targetId: id, details: patch });
    });
    if ((patch.chairId ?? current.chair_id) !== current.chair_id || (patch.secretaryId ?? current.secretary_id) !== current.secretary_id) {
      this.accessChanges.publish({ kind: 'meeting', meetingId: id });
    }
    return this.get(actor, id);
  }

  async setAgenda(actor: Actor, id: string, body: z.output<typeof AgendaBody>): Promise<Meeting> {
    await this.authorize(actor, id, 'meeting.edit');
    await this.db.transaction().execute(async (tx) => {
      await lockForEdit(tx, id);
      // Items sent back with their id keep it (documents are attached to agenda items by id).
      const existing = new Set((await tx.selectFrom('agenda_items').select('id').where('meeting_id', '=', id).execute()).map((r) => r.id));
      const kept = new Set<string>();
      const rows = body.items.map((item, i) => {
        const itemId = item.id && existing.has(item.id) && !kept.has(item.id) ? item.id : randomUUID();
        kept.add(itemId);
        return { id: itemId, meeting_id: id, position: i + 1, title: item.title, presenter: item.presenter, duration_minutes: item.durationMinutes };
      });
      const removed = [...existing].filter((x) => !kept.has(x));
      if (removed.length) await tx.deleteFrom('agenda_items').where('meeting_id', '=', id).where('id', 'in', removed).execute();
      for (const row of rows) {
        if (existing.has(row.id)) await tx.updateTable('agenda_items').set({ position: row.position, title: row.title, presenter: row.presenter, duration_minutes: row.duration_minutes }).where('id', '=', row.id).execute();
        else await tx.insertInto('agenda_items').values(row).execute();
      }
      await audit(tx, { actorId: actor.accountId, action: 'meeting.agenda', targetType: 'meeting', targetId: id, details: { items: body.items.length } });
    });
    return this.get(actor, id);
  }

  async setInvitations(actor: Actor, id: string, body: z.output<typeof InvitationsBody>): Promise<Meeting> {
    await this.authorize(actor, id, 'meeting.edit');
    const pointIds = new Set(body.pointIds);
    if (body.unitIds.length) {
      const units = await this.db.selectFrom('units').select(['id', 'parent_id', 'level']).execute();
      const known = new Set(units.map((u) => u.id));
      const missing = body.unitIds.filter((u) => !known.has(u));
      if (missing.length) throw new AppError('bad_request', 'unknown units', { unitIds: missing });
      const children = new Map<string, string[]>();
      for (const u of units) if (u.parent_id) children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u.id]);
      const level = new Map(units.map((u) => [u.id, u.level]));
      const selected = new Set<string>();
      const stack = [...body.unitIds];
      while (stack.length) {
        const u = stack.pop()!;
        if (selected.has(u)) continue;
        selected.add(u);
        stack.push(...(children.get(u) ?? []));
      }
      const wanted = [...selected].filter((u) => !body.levels || body.levels.includes(level.get(u) as never));
      for (let i = 0; i < wanted.length; i += 500) {
        const rows = await this.db.selectFrom('bridge_points').select('id').where('unit_id', 'in', wanted.slice(i, i + 500)).execute();
        for (const r of rows) pointIds.add(r.id);
      }
    }
    await this.#checkIds('bridge_points', [...pointIds], 'bridge points');
    await this.#checkIds('accounts', body.delegateIds, 'accounts');
    await this.db.transaction().execute(async (tx) => {
      await lockForEdit(tx, id);
      await tx.deleteFrom('meeting_points').where('meeting_id', '=', id).execute();
      await tx.deleteFrom('meeting_delegates').where('meeting_id', '=', id).execute();
      const points = [...pointIds];
      for (let i = 0; i < points.length; i += 400) {
        await tx.insertInto('meeting_points').values(points.slice(i, i + 400).map((p) => ({ meeting_id: id, bridge_point_id: p }))).execute();
      }
      const delegates = [...new Set(body.delegateIds)];
      for (let i = 0; i < delegates.length; i += 400) {
        await tx.insertInto('meeting_delegates').values(delegates.slice(i, i + 400).map((a) => ({ meeting_id: id, account_id: a }))).execute();
      }
      await audit(tx, { actorId: actor.accountId, action: 'meeting.invitations', targetType: 'meeting', targetId: id, details: { points: points.length, delegates: delegates.length } });
    });
    this.accessChanges.publish({ kind: 'meeting', meetingId: id });
    return this.get(actor, id);
  }

  async transition(actor: Actor, id: string, to: MeetingStatus): Promise<Meeting> {
    const facts = await this.authorize(actor, id, 'meeting.transition');
    if (!TRANSITIONS[facts.status].includes(to)) throw new AppError('invalid_transition', `a ${facts.status} meeting cannot become ${to}`, { from: facts.status, to });
    await this.db.transaction().execute(async (tx) => {
      const done = await tx.updateTable('meetings').set({ status: to, updated_at: new Date().toISOString() }).where('id', '=', id).where('status', '=', facts.status).executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new AppError('conflict', 'the meeting changed meanwhile');
      await audit(tx, { actorId: actor.accountId, action: `meeting.${to}`, targetType: 'meeting', targetId: id, details: { from: facts.status } });
    });
    this.onStatusChanged(id, to);
    return this.get(actor, id);
  }

  /** An iCalendar invitation for the meeting. */
  async ics(actor: Actor, id: string): Promise<string> {
    const m = await this.get(actor, id);
    const chair = await this.db.selectFrom('accounts').select(['display_name']).where('id', '=', m.chairId).executeTakeFirst();
    const agenda = m.agenda.map((a) => `${a.position}. ${a.title}${a.presenter ? ` — ${a.presenter}` : ''}`).join('\n');
    const { error, value } = createEvent({
      uid: `${m.id}@phonghop`,
      title: m.title,
      description: [m.description, agenda].filter(Boolean).join('\n\n'),
      start: Date.parse(m.startsAt),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: Date.parse(m.endsAt),
      endInputType: 'utc',
      endOutputType: 'utc',
      status: m.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      ...(chair ? { organizer: { name: chair.display_name } } : {}),
      productId: 'phong-hop',
    });
    if (error || !value) throw new AppError('internal', 'could not make the invitation');
    return value;
  }

  async #checkDetails(startsAt: string, endsAt: string, chairId: string, secretaryId: string, allowPastStart = false): Promise<void> {
    const start = Date.parse(startsAt);
    const end = Date.parse(endsAt);
    if (!allowPastStart && start < Date.now() - 5 * 60_000) throw new AppError('bad_request', 'the meeting cannot start in the past', { field: 'startsAt' });
    if (end <= start) throw new AppError('bad_request', 'the meeting must end after it starts', { field: 'endsAt' });
    if (end - start > 7 * 24 * 3600_000) throw new AppError('bad_request', 'a meeting lasts at most 7 days', { field: 'endsAt' });
    // The minutes need the chair's and the secretary's signatures: two people, so one account cannot sign them alone.
    if (chairId === secretaryId) throw new AppError('bad_request', 'the chair and the secretary must be two different people', { field: 'secretaryId', reason: 'same_person' });
    const people = await this.db.selectFrom('accounts').select(['id', 'role', 'disabled']).where('id', 'in', [chairId, secretaryId]).execute();
    const chair = people.find((p) => p.id === chairId);
    const secretary = people.find((p) => p.id === secretaryId);
    if (!chair || chair.disabled || !['chair', 'admin', 'secretary'].includes(chair.role)) throw new AppError('bad_request', 'the chair must be an active chair, secretary or admin account', { field: 'chairId' });
    if (!secretary || secretary.disabled || !['secretary', 'admin'].includes(secretary.role)) throw new AppError('bad_request', 'the secretary must be an active secretary or admin account', { field: 'secretaryId' });
  }

  async #checkIds(table: 'bridge_points' | 'accounts', ids: string[], what: string): Promise<void> {
    const unique = [...new Set(ids)];
    let found = 0;
    for (let i = 0; i < unique.length; i += 500) {
      const r = await this.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).where('id', 'in', unique.slice(i, i + 500)).executeTakeFirst();
      found += Number(r?.n ?? 0);
    }
    if (found !== unique.length) throw new AppError('bad_request', `unknown ${what}`);
  }
}
