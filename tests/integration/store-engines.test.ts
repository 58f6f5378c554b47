/**
 * The store on both engines, SQLite (embedded, the default) and PostgreSQL (a real server from
 * tests/support/postgres.ts): migrations from an empty store, and the directory and meeting
 * services round-tripping through it, with their audit rows written in the same transaction and
 * nothing half-written when a change fails.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, BridgePoint, Unit } from '../../common/api/model';
import { AccountBody, AccountPatch, AgendaBody, BridgePointBody, InvitationsBody, MeetingBody, MeetingPatch, UnitBody, UnitPatch } from '../../common/api/requests';
import { verifyPassword } from '../../sfu-server/src/auth/passwords';
import type { Actor } from '../../sfu-server/src/auth/policy';
import { AppError } from '../../sfu-server/src/errors';
import { migrate, openStore } from '../../sfu-server/src/store/database';
import { migrations } from '../../sfu-server/src/store/migrations';
import { usePostgres } from '../support/use-postgres';
import { actorOf, ENGINES, FailingStatement, freshStoreOptions, openTestServices, quietLogger, servicesOver, snapshot, type Engine, type TestServices } from '../support/stores';

/** The tables of migration 0001 and their columns (sfu-server/src/store/schema.ts). */
const EXPECTED_COLUMNS: Record<string, string[]> = {
  units: ['id', 'name', 'level', 'parent_id', 'created_at'],
  bridge_points: ['id', 'unit_id', 'name', 'headcount', 'created_at'],
  accounts: ['id', 'username', 'display_name', 'title', 'role', 'unit_id', 'bridge_point_id', 'password_hash', 'disabled', 'created_at', 'updated_at'],
  sessions: ['id', 'account_id', 'refresh_hash', 'created_at', 'expires_at', 'revoked_at'],
  meetings: ['id', 'title', 'description', 'starts_at', 'ends_at', 'status', 'chair_id', 'secretary_id', 'created_by', 'created_at', 'updated_at'],
  meeting_points: ['meeting_id', 'bridge_point_id'],
  meeting_delegates: ['meeting_id', 'account_id'],
  agenda_items: ['id', 'meeting_id', 'position', 'title', 'presenter', 'duration_minutes'],
  audit_log: ['id', 'at', 'actor_id', 'action', 'target_type', 'target_id', 'details'],
};

const PASSWORD = 'Mat-khau-thu-1';
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

const pg = usePostgres();

/** Resolves with the AppError the promise rejects with (fails the test if it resolves). */
async function appError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to be refused').toBeInstanceOf(AppError);
  return err as AppError;
}

describe.each(ENGINES)('store on %s', (engine: Engine) => {
  describe('migrations', () => {
    it('create every table and column from an empty store, and record each migration once', async () => {
      const options = await freshStoreOptions(engine, pg.current);
      const store = await openStore(options);
      try {
        expect(store.dialect).toBe(engine);
        const tables = await store.db.introspection.getTables();
        const byName = new Map(tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
        for (const [table, columns] of Object.entries(EXPECTED_COLUMNS)) {
          expect(byName.has(table), `table ${table}`).toBe(true);
          expect(byName.get(table)).toEqual(expect.arrayContaining(columns));
        }
        const applied = await (store.db as unknown as Kysely<any>).selectFrom('kysely_migration').select('name').orderBy('name').execute();
        expect(applied.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
      } finally {
        await store.close();
        options.cleanup();
      }
    });

    it('migrating twice is a no-op, and reopening keeps the data', async () => {
      const options = await freshStoreOptions(engine, pg.current);
      const first = await openStore(options);
      const s = servicesOver(first.db);
      const unit = await s.directory.createUnit(actorOf({ id: crypto.randomUUID(), role: 'admin', displayName: 'x', unitId: null, bridgePointId: null }), UnitBody.parse({ name: 'Tỉnh Quảng Ninh', level: 'province' }));
      const before = await snapshot(first.db);
      const tablesBefore = (await first.db.introspection.getTables()).map((t) => t.name).sort();
      await migrate(first.db, quietLogger());
      expect(await snapshot(first.db)).toEqual(before);
      expect((await first.db.introspection.getTables()).map((t) => t.name).sort()).toEqual(tablesBefore);
      await first.close();

      // A restart runs the migrator again over the same store.
      const second = await openStore(options);
      try {
        expect(await snapshot(second.db)).toEqual(before);
        const applied = await (second.db as unknown as Kysely<any>).selectFrom('kysely_migration').select('name').execute();
        expect(applied).toHaveLength(Object.keys(migrations).length);
        expect((await servicesOver(second.db).directory.listUnits()).map((u) => u.id)).toContain(unit.id);
      } finally {
        await second.close();
        options.cleanup();
      }
    });

    it('enforces foreign keys', async () => {
      const options = await freshStoreOptions(engine, pg.current);
      const store = await openStore(options);
      try {
        await expect(
          store.db.insertInto('bridge_points').values({ id: crypto.randomUUID(), unit_id: crypto.randomUUID(), name: 'mồ côi', headcount: 1, created_at: new Date().toISOString() }).execute(),
        ).rejects.toThrow();
        expect(await store.db.selectFrom('bridge_points').selectAll().execute()).toEqual([]);
      } finally {
        await store.close();
        options.cleanup();
      }
    });
  });

  describe('services', () => {
    let s: TestServices;
    let admin: Actor;
    let seq = 0;

    beforeAll(async () => {
      s = await openTestServices(engine, pg.current);
      const account = await s.directory.createAccount(null, AccountBody.parse({ username: 'admin', displayName: 'Quản trị', role: 'admin', password: PASSWORD }));
      admin = actorOf(account);
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    const auditOf = (targetId: string) => s.db.selectFrom('audit_log').selectAll().where('target_id', '=', targetId).orderBy('id').execute();
    const unit = (name: string, level: Unit['level'], parentId: string | null = null) => s.directory.createUnit(admin, UnitBody.parse({ name, level, parentId }));
    const point = (unitId: string, name: string, headcount = 20) => s.directory.createPoint(admin, BridgePointBody.parse({ unitId, name, headcount }));
    const account = (role: Account['role'], extra: Record<string, unknown> = {}) =>
      s.directory.createAccount(admin, AccountBody.parse({ username: `${role}.${++seq}`, displayName: `Người ${role} ${seq}`, role, password: PASSWORD, ...extra }));

    /** A draft meeting organised by a fresh chair and secretary. */
    async function draftMeeting(title = 'Họp giao ban quý') {
      const chair = await account('chair');
      const secretary = await account('secretary');
      const meeting = await s.meetings.create(actorOf(secretary), MeetingBody.parse({ title, description: 'Nội dung', startsAt: hours(1), endsAt: hours(3), chairId: chair.id, secretaryId: secretary.id }));
      return { meeting, chair, secretary, sec: actorOf(secretary) };
    }

    it('units: a province → district → commune tree, renamed, moved, never inside itself, deleted only when empty', async () => {
      const province = await unit('Tỉnh Quảng Ninh', 'province');
      const district = await unit('Huyện Ba Chẽ', 'district', province.id);
      const commune = await unit('Xã Thanh Sơn', 'commune', district.id);
      const listed = await s.directory.listUnits();
      expect(listed).toEqual(expect.arrayContaining([province, district, commune]));
      expect(commune).toEqual({ id: commune.id, name: 'Xã Thanh Sơn', level: 'commune', parentId: district.id });

      // A rename (as the route parses it) keeps the unit where it is.
      const renamed = await s.directory.updateUnit(admin, commune.id, UnitPatch.parse({ name: 'Xã Thanh Sơn mới' }));
      expect(renamed).toEqual({ ...commune, name: 'Xã Thanh Sơn mới' });
      expect((await s.directory.listUnits()).find((u) => u.id === commune.id)).toEqual(renamed);

      const other = await unit('Thành phố Hạ Long', 'district', province.id);
      const moved = await s.directory.updateUnit(admin, commune.id, UnitPatch.parse({ parentId: other.id }));
      expect(moved.parentId).toBe(other.id);
      expect(moved.name).toBe('Xã Thanh Sơn mới');

      const before = await snapshot(s.db);
      expect((await appError(s.directory.updateUnit(admin, province.id, UnitPatch.parse({ parentId: commune.id })))).code).toBe('conflict');
      expect((await appError(s.directory.updateUnit(admin, province.id, UnitPatch.parse({ parentId: province.id })))).code).toBe('conflict');
      expect((await appError(s.directory.deleteUnit(admin, other.id))).code).toBe('conflict');
      expect((await appError(s.directory.createUnit(admin, UnitBody.parse({ name: 'Xã lạc', level: 'commune', parentId: crypto.randomUUID() })))).code).toBe('not_found');
      expect(await snapshot(s.db)).toEqual(before);

      await s.directory.deleteUnit(admin, commune.id);
      await s.directory.deleteUnit(admin, other.id);
      expect((await s.directory.listUnits()).map((u) => u.id)).not.toContain(other.id);
      expect((await auditOf(commune.id)).map((r) => r.action)).toEqual(['unit.create', 'unit.update', 'unit.update', 'unit.delete']);
      expect((await auditOf(commune.id)).every((r) => r.actor_id === admin.accountId && r.target_type === 'unit')).toBe(true);
    });

    it('bridge points: belong to a unit, change, and cannot be deleted while invited or operated', async () => {
      const u1 = await unit('UBND xã Đồn Đạc', 'commune');
      const u2 = await unit('UBND xã Nam Sơn', 'commune');
      const p = await point(u1.id, 'Hội trường xã Đồn Đạc', 30);
      expect(p).toEqual({ id: p.id, unitId: u1.id, name: 'Hội trường xã Đồn Đạc', headcount: 30 });
      const changed = await s.directory.updatePoint(admin, p.id, { unitId: u2.id, headcount: 45 });
      expect(changed).toEqual({ ...p, unitId: u2.id, headcount: 45 });
      expect((await s.directory.listPoints()).find((x) => x.id === p.id)).toEqual(changed);

      await account('operator', { bridgePointId: p.id });
      expect((await appError(s.directory.deletePoint(admin, p.id))).code).toBe('conflict');
      expect((await appError(s.directory.deleteUnit(admin, u2.id))).code).toBe('conflict');

      const spare = await point(u1.id, 'Phòng họp dự phòng');
      const { meeting, sec } = await draftMeeting();
      await s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: [spare.id] }));
      expect((await appError(s.directory.deletePoint(admin, spare.id))).code).toBe('conflict');
      await s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({}));
      await s.directory.deletePoint(admin, spare.id);
      expect((await auditOf(spare.id)).map((r) => r.action)).toEqual(['point.create', 'point.delete']);
      expect((await auditOf(p.id)).map((r) => r.action)).toEqual(['point.create', 'point.update']);
    });

    it('accounts: scrypt hashes never leave the store; roles and bridge points must fit; disabling ends the sessions', async () => {
      const u = await unit('Văn phòng UBND tỉnh', 'department');
      const p = await point(u.id, 'Phòng họp số 1');
      const delegate = await account('delegate', { unitId: u.id, title: 'Phó Chánh Văn phòng' });
      expect(delegate).toEqual({ id: delegate.id, username: delegate.username, displayName: delegate.displayName, title: 'Phó Chánh Văn phòng', role: 'delegate', unitId: u.id, bridgePointId: null, disabled: false });
      expect(Object.keys(delegate)).not.toContain('passwordHash');

      const row = await s.db.selectFrom('accounts').selectAll().where('id', '=', delegate.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(row.password_hash).not.toContain(PASSWORD);
      expect(await verifyPassword(PASSWORD, row.password_hash)).toBe(true);
      expect(await verifyPassword('wrong-password-1', row.password_hash)).toBe(false);
      expect(JSON.stringify(await s.directory.listAccounts())).not.toContain('scrypt$');

      const before = await snapshot(s.db);
      expect((await appError(account('operator'))).code).toBe('bad_request');
      expect((await appError(account('delegate', { bridgePointId: p.id }))).code).toBe('bad_request');
      expect((await appError(account('delegate', { unitId: crypto.randomUUID() }))).code).toBe('not_found');
      expect((await appError(s.directory.createAccount(admin, AccountBody.parse({ username: delegate.username, displayName: 'Trùng tên', role: 'guest', password: PASSWORD })))).code).toBe('conflict');
      expect((await appError(s.directory.updateAccount(admin, admin.accountId, AccountPatch.parse({ disabled: true })))).code).toBe('conflict');
      expect((await appError(s.directory.updateAccount(admin, admin.accountId, AccountPatch.parse({ role: 'delegate' })))).code).toBe('conflict');
      expect(await snapshot(s.db)).toEqual(before);

      const session = await s.auth.login(delegate.username, PASSWORD, '127.0.0.1');
      expect(await s.auth.authenticate(session.accessToken)).toMatchObject({ accountId: delegate.id, role: 'delegate' });
      const disabled = await s.directory.updateAccount(admin, delegate.id, AccountPatch.parse({ disabled: true, title: 'Nghỉ hưu' }));
      expect(disabled).toMatchObject({ disabled: true, title: 'Nghỉ hưu', unitId: u.id });
      expect(s.endedAccounts).toContain(delegate.id);
      expect(await s.auth.authenticate(session.accessToken)).toBeNull();
      expect((await appError(s.auth.refresh(session.refreshToken))).code).toBe('unauthorized');
      expect((await appError(s.auth.login(delegate.username, PASSWORD, '127.0.0.2'))).code).toBe('unauthorized');

      const audits = await auditOf(delegate.id);
      expect(audits.map((r) => r.action)).toEqual(['account.create', 'account.update', 'auth.login_failed']);
      expect(audits.find((r) => r.action === 'account.update')!.details).toContain('"disabled":true');
      expect(JSON.stringify(audits)).not.toContain(PASSWORD);
    });

    it('two accounts created at once with the same username: one is made, the other is a conflict', async () => {
      const body = AccountBody.parse({ username: `cung.ten.${engine}`, displayName: 'Cùng tên', role: 'delegate', password: PASSWORD });
      const results = await Promise.allSettled([s.directory.createAccount(admin, body), s.directory.createAccount(admin, body)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(AppError);
      expect((refused.reason as AppError).code).toBe('conflict');
      expect(await s.db.selectFrom('accounts').select('id').where('username', '=', body.username).execute()).toHaveLength(1);
    });

    it('meetings: created as drafts, read back whole, details changed, organisers checked', async () => {
      const { meeting, chair, secretary, sec } = await draftMeeting('Hội nghị trực tuyến tổng kết năm');
      expect(meeting).toMatchObject({ title: 'Hội nghị trực tuyến tổng kết năm', description: 'Nội dung', status: 'draft', chairId: chair.id, secretaryId: secretary.id, agenda: [], invitedPointIds: [], delegateIds: [] });
      expect(meeting.can).toEqual({ edit: true, transition: true, join: false });
      expect(await s.meetings.get(sec, meeting.id)).toEqual(meeting);
      expect(await s.meetings.get(admin, meeting.id)).toMatchObject({ id: meeting.id, can: { edit: true, transition: true, join: false } });

      // The route parses a patch with the same schema: a new title keeps the description.
      const patched = await s.meetings.update(sec, meeting.id, MeetingPatch.parse({ title: 'Hội nghị tổng kết năm 2025' }));
      expect(patched).toMatchObject({ title: 'Hội nghị tổng kết năm 2025', description: 'Nội dung', startsAt: meeting.startsAt, endsAt: meeting.endsAt });
      const moved = await s.meetings.update(sec, meeting.id, MeetingPatch.parse({ startsAt: hours(24), endsAt: hours(26) }));
      expect(Date.parse(moved.startsAt)).toBeGreaterThan(Date.parse(meeting.startsAt));

      const before = await snapshot(s.db);
      const delegate = await account('delegate');
      const afterAccount = await snapshot(s.db);
      expect((await appError(s.meetings.update(sec, meeting.id, MeetingPatch.parse({ endsAt: hours(23) })))).code).toBe('bad_request');
      expect((await appError(s.meetings.update(sec, meeting.id, MeetingPatch.parse({ chairId: delegate.id })))).code).toBe('bad_request');
      expect((await appError(s.meetings.update(sec, meeting.id, MeetingPatch.parse({ secretaryId: chair.id })))).code).toBe('bad_request');
      expect((await appError(s.meetings.create(sec, MeetingBody.parse({ title: 'Quá khứ', startsAt: hours(-2), endsAt: hours(-1), chairId: chair.id, secretaryId: secretary.id })))).code).toBe('bad_request');
      expect((await appError(s.meetings.create(sec, MeetingBody.parse({ title: 'Dài quá', startsAt: hours(1), endsAt: hours(1 + 8 * 24), chairId: chair.id, secretaryId: secretary.id })))).code).toBe('bad_request');
      expect((await appError(s.meetings.create(actorOf(delegate), MeetingBody.parse({ title: 'Không được', startsAt: hours(1), endsAt: hours(2), chairId: chair.id, secretaryId: secretary.id })))).code).toBe('forbidden');
      expect((await appError(s.meetings.get(actorOf(delegate), meeting.id))).code).toBe('not_found');
      expect((await appError(s.meetings.get(sec, crypto.randomUUID()))).code).toBe('not_found');
      expect(await snapshot(s.db)).toEqual(afterAccount);
      expect(before).not.toEqual(afterAccount);

      expect((await auditOf(meeting.id)).map((r) => [r.action, r.actor_id])).toEqual([
        ['meeting.create', secretary.id],
        ['meeting.update', secretary.id],
        ['meeting.update', secretary.id],
      ]);
    });

    it('a secretary may create a meeting for another secretary, and the answer is the meeting', async () => {
      const chair = await account('chair');
      const creator = await account('secretary');
      const other = await account('secretary');
      const meeting = await s.meetings.create(actorOf(creator), MeetingBody.parse({ title: 'Họp thay', startsAt: hours(1), endsAt: hours(2), chairId: chair.id, secretaryId: other.id }));
      expect(meeting).toMatchObject({ status: 'draft', secretaryId: other.id });
      // …and it is one of the creator's meetings, which the creator can open.
      expect((await s.meetings.mine(actorOf(creator))).upcoming.map((m) => m.id)).toContain(meeting.id);
      expect((await s.meetings.get(actorOf(creator), meeting.id)).can).toEqual({ edit: true, transition: true, join: false });
      expect(meeting.can.edit).toBe(true);
    });

    it('agenda: replaced whole, kept in the given order, positions 1…n', async () => {
      const { meeting, sec } = await draftMeeting();
      const items = [
        { title: 'Khai mạc', presenter: 'Chủ tọa', durationMinutes: 10 },
        { title: 'Báo cáo tình hình kinh tế – xã hội', presenter: 'Sở Kế hoạch và Đầu tư', durationMinutes: 45 },
        { title: 'Thảo luận', durationMinutes: 60 },
        { title: 'Kết luận', presenter: 'Chủ tịch UBND tỉnh', durationMinutes: 15 },
      ];
      const first = await s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items }));
      expect(first.agenda.map((a) => [a.position, a.title, a.presenter, a.durationMinutes])).toEqual([
        [1, 'Khai mạc', 'Chủ tọa', 10],
        [2, 'Báo cáo tình hình kinh tế – xã hội', 'Sở Kế hoạch và Đầu tư', 45],
        [3, 'Thảo luận', '', 60],
        [4, 'Kết luận', 'Chủ tịch UBND tỉnh', 15],
      ]);
      const reordered = await s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [items[3], items[0]] }));
      expect(reordered.agenda.map((a) => [a.position, a.title])).toEqual([
        [1, 'Kết luận'],
        [2, 'Khai mạc'],
      ]);
      expect(await s.db.selectFrom('agenda_items').select('id').where('meeting_id', '=', meeting.id).execute()).toHaveLength(2);
      expect((await s.meetings.get(admin, meeting.id)).agenda).toEqual(reordered.agenda);
      expect((await s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [] }))).agenda).toEqual([]);
      const audits = (await auditOf(meeting.id)).filter((r) => r.action === 'meeting.agenda');
      expect(audits.map((r) => JSON.parse(r.details))).toEqual([{ items: 4 }, { items: 2 }, { items: 0 }]);
    });

    describe('invitations', () => {
      let tree: Record<string, Unit>;
      let points: Record<string, BridgePoint>;

      beforeAll(async () => {
        const P = await unit('Tỉnh Thái Bình', 'province');
        const D1 = await unit('Huyện Vũ Thư', 'district', P.id);
        const C1 = await unit('Xã Tam Quang', 'commune', D1.id);
        const C2 = await unit('Xã Minh Khai', 'commune', D1.id);
        const D2 = await unit('Thành phố Thái Bình', 'district', P.id);
        const C3 = await unit('Phường Đề Thám', 'commune', D2.id);
        const DEP = await unit('Sở Nội vụ', 'department', P.id);
        const Q = await unit('Tỉnh Nam Định', 'province');
        const C4 = await unit('Xã Nghĩa Hưng', 'commune', Q.id);
        tree = { P, D1, C1, C2, D2, C3, DEP, Q, C4 };
        points = {
          P: await point(P.id, 'Điểm cầu UBND tỉnh', 80),
          D1: await point(D1.id, 'Điểm cầu huyện Vũ Thư'),
          C1a: await point(C1.id, 'Điểm cầu xã Tam Quang'),
          C1b: await point(C1.id, 'Nhà văn hóa thôn Tam Quang'),
          C2: await point(C2.id, 'Điểm cầu xã Minh Khai'),
          D2: await point(D2.id, 'Điểm cầu thành phố'),
          C3: await point(C3.id, 'Điểm cầu phường Đề Thám'),
          DEP: await point(DEP.id, 'Phòng họp Sở Nội vụ'),
          C4: await point(C4.id, 'Điểm cầu xã Nghĩa Hưng'),
        };
      });

      const ids = (...keys: string[]) => keys.map((k) => points[k]!.id).sort();

      it('expand a unit to the bridge points of it and every sub-unit, filtered by level', async () => {
        const { meeting, sec } = await draftMeeting();
        const invite = async (body: Record<string, unknown>) => [...(await s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse(body))).invitedPointIds].sort();

        expect(await invite({ unitIds: [tree['P']!.id] })).toEqual(ids('P', 'D1', 'C1a', 'C1b', 'C2', 'D2', 'C3', 'DEP'));
        expect(await invite({ unitIds: [tree['P']!.id], levels: ['commune'] })).toEqual(ids('C1a', 'C1b', 'C2', 'C3'));
        expect(await invite({ unitIds: [tree['P']!.id], levels: ['province', 'department'] })).toEqual(ids('P', 'DEP'));
        expect(await invite({ unitIds: [tree['D1']!.id, tree['C1']!.id], levels: ['district', 'commune'], pointIds: [points['C4']!.id, points['C4']!.id] })).toEqual(ids('D1', 'C1a', 'C1b', 'C2', 'C4'));
        expect(await invite({ unitIds: [tree['Q']!.id, tree['C3']!.id] })).toEqual(ids('C3', 'C4'));
        expect(await invite({})).toEqual([]);
      });

      it('invite delegates, and show the meeting to them and to operators of invited points once published', async () => {
        const { meeting, sec } = await draftMeeting();
        const delegate = await account('delegate');
        const outsider = await account('delegate');
        const operator = await account('operator', { bridgePointId: points['C3']!.id });
        const farOperator = await account('operator', { bridgePointId: points['C4']!.id });
        const invited = await s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ unitIds: [tree['D2']!.id], delegateIds: [delegate.id, delegate.id] }));
        expect(invited.delegateIds).toEqual([delegate.id]);
        expect([...invited.invitedPointIds].sort()).toEqual(ids('D2', 'C3'));
        const audit = (await auditOf(meeting.id)).find((r) => r.action === 'meeting.invitations')!;
        expect(JSON.parse(audit.details)).toEqual({ points: 2, delegates: 1 });

        // A draft is hidden from invitees.
        expect((await appError(s.meetings.get(actorOf(delegate), meeting.id))).code).toBe('not_found');
        expect((await s.meetings.mine(actorOf(operator))).upcoming).toEqual([]);
        await s.meetings.transition(sec, meeting.id, 'published');
        for (const who of [delegate, operator]) {
          expect((await s.meetings.get(actorOf(who), meeting.id)).can).toEqual({ edit: false, transition: false, join: false });
          expect((await s.meetings.mine(actorOf(who))).upcoming.map((m) => m.id)).toContain(meeting.id);
        }
        for (const who of [outsider, farOperator]) {
          expect((await appError(s.meetings.get(actorOf(who), meeting.id))).code).toBe('not_found');
          expect((await s.meetings.mine(actorOf(who))).upcoming.map((m) => m.id)).not.toContain(meeting.id);
        }
        await s.meetings.transition(sec, meeting.id, 'live');
        expect((await s.meetings.get(actorOf(operator), meeting.id)).can.join).toBe(true);
        expect((await s.meetings.mine(actorOf(delegate))).live.map((m) => m.id)).toContain(meeting.id);
      });

      it('with one unknown id: bad_request, and the old invitations unchanged', async () => {
        const { meeting, sec } = await draftMeeting();
        const delegate = await account('delegate');
        const good = await s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: [points['C1a']!.id], delegateIds: [delegate.id] }));
        const before = await snapshot(s.db);
        const unknown = crypto.randomUUID();
        for (const body of [
          { pointIds: [points['C2']!.id, unknown], delegateIds: [delegate.id] },
          { pointIds: [points['C2']!.id], delegateIds: [delegate.id, unknown] },
          { unitIds: [tree['P']!.id, unknown] },
          { unitIds: [tree['P']!.id], pointIds: [unknown] },
        ]) {
          expect((await appError(s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse(body)))).code).toBe('bad_request');
        }
        expect(await snapshot(s.db)).toEqual(before);
        expect(await s.meetings.get(sec, meeting.id)).toEqual(good);
      });
    });

    it('transitions: draft → published → live → ended, cancel before the end, nothing else', async () => {
      const { meeting, sec } = await draftMeeting();
      const before = await snapshot(s.db);
      for (const to of ['live', 'ended'] as const) {
        const err = await appError(s.meetings.transition(sec, meeting.id, to));
        expect(err.code).toBe('invalid_transition');
        expect(err.details).toEqual({ from: 'draft', to });
      }
      expect(await snapshot(s.db)).toEqual(before);
      expect((await s.meetings.transition(sec, meeting.id, 'published')).status).toBe('published');
      expect((await appError(s.meetings.transition(sec, meeting.id, 'published'))).code).toBe('invalid_transition');
      expect((await s.meetings.transition(sec, meeting.id, 'live')).status).toBe('live');
      // A live meeting cannot be edited any more, nor cancelled.
      expect((await appError(s.meetings.update(sec, meeting.id, MeetingPatch.parse({ title: 'Muộn rồi' })))).code).toBe('forbidden');
      expect((await appError(s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [] })))).code).toBe('forbidden');
      expect((await appError(s.meetings.transition(sec, meeting.id, 'cancelled'))).code).toBe('invalid_transition');
      expect((await s.meetings.transition(sec, meeting.id, 'ended')).status).toBe('ended');
      for (const to of ['published', 'live', 'cancelled', 'ended'] as const) expect((await appError(s.meetings.transition(sec, meeting.id, to))).code).toBe('invalid_transition');

      const other = await draftMeeting();
      await s.meetings.transition(other.sec, other.meeting.id, 'published');
      expect((await s.meetings.transition(other.sec, other.meeting.id, 'cancelled')).status).toBe('cancelled');
      expect((await appError(s.meetings.transition(other.sec, other.meeting.id, 'published'))).code).toBe('invalid_transition');

      const actions = (await auditOf(meeting.id)).map((r) => r.action);
      expect(actions).toEqual(['meeting.create', 'meeting.published', 'meeting.live', 'meeting.ended']);
      expect(JSON.parse((await auditOf(meeting.id)).at(-1)!.details)).toEqual({ from: 'live' });
    });

    it('two status changes at once: one is made, the other refused, one audit row', async () => {
      const { meeting, sec, chair } = await draftMeeting();
      await s.meetings.transition(sec, meeting.id, 'published');
      const results = await Promise.allSettled([s.meetings.transition(sec, meeting.id, 'live'), s.meetings.transition(actorOf(chair), meeting.id, 'cancelled')]);
      const done = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof s.meetings.get>>> => r.status === 'fulfilled');
      expect(done).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(['conflict', 'invalid_transition']).toContain((refused.reason as AppError).code);
      expect((await s.meetings.get(sec, meeting.id)).status).toBe(done[0]!.value.status);
      const changes = (await auditOf(meeting.id)).filter((r) => r.action === 'meeting.live' || r.action === 'meeting.cancelled');
      expect(changes.map((r) => r.action)).toEqual([`meeting.${done[0]!.value.status}`]);
    });

    it('my meetings: live now, upcoming, past', async () => {
      const a = await draftMeeting('A sắp tới');
      const b = await draftMeeting('B đang họp');
      await s.meetings.transition(b.sec, b.meeting.id, 'published');
      await s.meetings.transition(b.sec, b.meeting.id, 'live');
      const c = await draftMeeting('C đã hủy');
      await s.meetings.transition(c.sec, c.meeting.id, 'cancelled');
      const mineA = await s.meetings.mine(a.sec);
      expect(mineA.upcoming.map((m) => m.id)).toEqual([a.meeting.id]);
      expect(mineA.live).toEqual([]);
      expect((await s.meetings.mine(b.sec)).live.map((m) => m.id)).toEqual([b.meeting.id]);
      expect((await s.meetings.mine(actorOf(c.chair))).past.map((m) => m.id)).toEqual([c.meeting.id]);
      // A week later the draft that never happened is in the past.
      expect((await s.meetings.mine(a.sec, new Date(Date.now() + 7 * 24 * 3600_000))).past.map((m) => m.id)).toEqual([a.meeting.id]);
    });

    it('concurrent replacements of the invitations or the agenda: one of them wins, whole', async () => {
      const u = await unit('Xã Đồng Tâm', 'commune');
      const p = [] as string[];
      for (let i = 0; i < 4; i++) p.push((await point(u.id, `Điểm cầu ${i}`)).id);
      const A = [p[0]!, p[1]!].sort();
      const B = [p[2]!, p[3]!].sort();
      for (let round = 0; round < 5; round++) {
        const { meeting, sec } = await draftMeeting();
        const results = await Promise.allSettled([
          s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: A })),
          s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: B })),
          s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [{ title: 'Khai mạc', durationMinutes: 5 }, { title: 'Báo cáo', durationMinutes: 5 }] })),
          s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [{ title: 'Thảo luận', durationMinutes: 5 }, { title: 'Bế mạc', durationMinutes: 5 }] })),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
        const after = await s.meetings.get(sec, meeting.id);
        expect([A, B]).toContainEqual([...after.invitedPointIds].sort());
        expect([['Khai mạc', 'Báo cáo'], ['Thảo luận', 'Bế mạc']]).toContainEqual(after.agenda.map((a) => a.title));
        expect(after.agenda.map((a) => a.position)).toEqual([1, 2]);
      }
    });

    describe('audit rows are written in the same transaction as the change', () => {
      it('a change is recorded with who, what, which and when', async () => {
        const u = await unit('Phường Trần Hưng Đạo', 'commune');
        const [row] = await auditOf(u.id);
        expect(row).toMatchObject({ actor_id: admin.accountId, action: 'unit.create', target_type: 'unit', target_id: u.id });
        expect(JSON.parse(row!.details)).toEqual({ name: 'Phường Trần Hưng Đạo', level: 'commune' });
        expect(Math.abs(Date.parse(row!.at) - Date.now())).toBeLessThan(60_000);
        expect(typeof row!.id).toBe('number');
      });

      it('when writing the audit row fails, the change is undone', async () => {
        const u = await unit('UBND phường Kỳ Bá', 'commune');
        const p = await point(u.id, 'Điểm cầu Kỳ Bá');
        const empty = await unit('Đơn vị trống', 'department');
        const victim = await account('delegate');
        const { meeting, sec, chair, secretary } = await draftMeeting();
        await s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [{ title: 'Khai mạc', durationMinutes: 5 }] }));

        const failing = new FailingStatement('InsertQueryNode', 'audit_log');
        const broken = servicesOver(s.db.withPlugin(failing));
        const before = await snapshot(s.db);
        const attempts: [string, () => Promise<unknown>][] = [
          ['unit.create', () => broken.directory.createUnit(admin, UnitBody.parse({ name: 'Mới', level: 'commune' }))],
          ['unit.update', () => broken.directory.updateUnit(admin, u.id, UnitPatch.parse({ name: 'Đổi tên' }))],
          ['point.create', () => broken.directory.createPoint(admin, BridgePointBody.parse({ unitId: u.id, name: 'Mới', headcount: 3 }))],
          ['point.delete', () => broken.directory.deletePoint(admin, p.id)],
          ['account.create', () => broken.directory.createAccount(admin, AccountBody.parse({ username: 'khong.ghi.duoc', displayName: 'X', role: 'guest', password: PASSWORD }))],
          ['account.update', () => broken.directory.updateAccount(admin, victim.id, AccountPatch.parse({ displayName: 'Tên mới' }))],
          ['meeting.create', () => broken.meetings.create(sec, MeetingBody.parse({ title: 'Mới', startsAt: hours(1), endsAt: hours(2), chairId: chair.id, secretaryId: secretary.id }))],
          ['meeting.update', () => broken.meetings.update(sec, meeting.id, MeetingPatch.parse({ title: 'Đổi' }))],
          ['meeting.agenda', () => broken.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [] }))],
          ['meeting.invitations', () => broken.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: [p.id] }))],
          ['meeting.published', () => broken.meetings.transition(sec, meeting.id, 'published')],
          ['unit.delete', () => broken.directory.deleteUnit(admin, empty.id)],
        ];
        for (const [action, attempt] of attempts) {
          await expect(attempt(), action).rejects.toThrow(/injected failure/);
          expect(await snapshot(s.db), `${action} left something behind`).toEqual(before);
        }
        expect(failing.hits).toBe(attempts.length);
      });
    });

    describe('a change that fails midway leaves nothing half-written', () => {
      it('invitations: the old points stay when storing the delegates fails', async () => {
        const u = await unit('Xã Quảng Thành', 'commune');
        const p1 = await point(u.id, 'Điểm cầu 1');
        const p2 = await point(u.id, 'Điểm cầu 2');
        const d1 = await account('delegate');
        const d2 = await account('delegate');
        const { meeting, sec } = await draftMeeting();
        const good = await s.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: [p1.id], delegateIds: [d1.id] }));
        const before = await snapshot(s.db);

        // Old points and delegates deleted, new points inserted, then the delegates insert fails.
        const failing = new FailingStatement('InsertQueryNode', 'meeting_delegates');
        const broken = servicesOver(s.db.withPlugin(failing));
        await expect(broken.meetings.setInvitations(sec, meeting.id, InvitationsBody.parse({ pointIds: [p2.id], delegateIds: [d2.id] }))).rejects.toThrow(/injected failure/);
        expect(failing.hits).toBe(1);
        expect(await snapshot(s.db)).toEqual(before);
        expect(await s.meetings.get(sec, meeting.id)).toEqual(good);
      });

      it('agenda: the old items stay when inserting the new ones fails', async () => {
        const { meeting, sec } = await draftMeeting();
        const good = await s.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [{ title: 'Khai mạc', durationMinutes: 5 }, { title: 'Bế mạc', durationMinutes: 5 }] }));
        const before = await snapshot(s.db);
        const broken = servicesOver(s.db.withPlugin(new FailingStatement('InsertQueryNode', 'agenda_items')));
        await expect(broken.meetings.setAgenda(sec, meeting.id, AgendaBody.parse({ items: [{ title: 'Khác', durationMinutes: 5 }] }))).rejects.toThrow(/injected failure/);
        expect(await snapshot(s.db)).toEqual(before);
        expect((await s.meetings.get(sec, meeting.id)).agenda).toEqual(good.agenda);
      });

      it('a status change: nothing is recorded when the update fails', async () => {
        const { meeting, sec } = await draftMeeting();
        const before = await snapshot(s.db);
        const broken = servicesOver(s.db.withPlugin(new FailingStatement('UpdateQueryNode', 'meetings')));
        await expect(broken.meetings.transition(sec, meeting.id, 'published')).rejects.toThrow(/injected failure/);
        expect(await snapshot(s.db)).toEqual(before);
      });
    });
  });
});
