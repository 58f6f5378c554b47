/**
 * The demo seed (`npm run seed:demo`) against a real server and a fresh store: the province's units
 * and bridge points, one account per role that can log in over HTTP, the live meeting under
 * "live now" for a delegate and for the Ba Chẽ operator (who can join it at once), and a second run
 * that changes nothing. Also the CLI itself on an empty data folder, and the seed on PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BridgePoint, Meeting, MyMeetings, Unit } from '../../common/api/model';
import { DEMO_PASSWORD, DEMO_PROVINCE, LIVE_MEETING_TITLE } from '../../sfu-server/src/cli/demo-data';
import { seedDemo, type DemoSeedResult } from '../../sfu-server/src/cli/demo-seed';
import { main as seedDemoCli } from '../../sfu-server/src/cli/seed-demo';
import type { RunningServer } from '../../sfu-server/src/server';
import { ensureAdmin } from '../../sfu-server/src/auth/bootstrap-admin';
import { TestApi } from '../support/api-client';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { actorOf, openTestServices, quietLogger, snapshot } from '../support/stores';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let seeded: DemoSeedResult;
const apis = new Map<string, TestApi>();

const api = async (username: string) => {
  if (!apis.has(username)) apis.set(username, await TestApi.login(server.url, username, DEMO_PASSWORD));
  return apis.get(username)!;
};

beforeAll(async () => {
  server = await startTestServer();
  seeded = await seedDemo(server);
});
afterAll(async () => {
  await server?.close();
});

describe('demo seed', () => {
  it('creates the province, 4 districts with 3 communes each and 2 departments, one bridge point each', async () => {
    expect(seeded.status).toBe('seeded');
    const admin = await api('admin');
    const units = await admin.ok<Unit[]>('GET', '/api/units');
    const points = await admin.ok<BridgePoint[]>('GET', '/api/bridge-points');
    const province = units.find((u) => u.name === DEMO_PROVINCE)!;
    expect(province).toMatchObject({ level: 'province', parentId: null, id: seeded.unitIds['province'] });

    const under = (id: string) => units.filter((u) => u.parentId === id);
    const districts = under(province.id).filter((u) => u.level === 'district');
    const departments = under(province.id).filter((u) => u.level === 'department');
    expect(districts.map((d) => d.name).sort()).toEqual(['UBND huyện Ba Chẽ', 'UBND huyện Bình Liêu', 'UBND huyện Tiên Yên', 'UBND thị xã Đông Triều'].sort());
    expect(departments.map((d) => d.name).every((n) => n.startsWith('Sở '))).toBe(true);
    expect(departments).toHaveLength(2);
    for (const d of districts) {
      const communes = under(d.id);
      expect(communes).toHaveLength(3);
      expect(communes.every((c) => c.level === 'commune' && /^UBND (xã|phường|thị trấn) /.test(c.name))).toBe(true);
    }
    expect(under(province.id)).toHaveLength(6);

    const demoUnits = Object.values(seeded.unitIds);
    expect(demoUnits).toHaveLength(19);
    for (const unitId of demoUnits) {
      const mine = points.filter((p) => p.unitId === unitId);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.headcount).toBeGreaterThan(0);
      expect(mine[0]!.name.length).toBeGreaterThan(10);
    }
    expect(points.find((p) => p.id === seeded.pointIds['bache'])!.name).toContain('Ba Chẽ');
  });

  it('gives one account per role, each able to log in over HTTP with the demo password', async () => {
    const roles = new Set<string>();
    for (const c of seeded.credentials) {
      expect(c.password).toBe(DEMO_PASSWORD);
      const me = await (await api(c.username)).ok('GET', '/api/auth/me');
      expect(me).toMatchObject({ username: c.username, role: c.role, disabled: false });
      roles.add(me.role);
    }
    expect([...roles].sort()).toEqual(['admin', 'chair', 'delegate', 'guest', 'observer', 'operator', 'secretary']);
    expect(seeded.credentials.map((c) => c.username)).toEqual(['admin', 'thuky', 'chutri', 'daibieu1', 'daibieu2', 'daibieu3', 'khach', 'diemcau.bache', 'quansat']);
    const operator = await (await api('diemcau.bache')).ok('GET', '/api/auth/me');
    expect(operator.bridgePointId).toBe(seeded.pointIds['bache']);
    // The admin's old password (the test server's ADMIN_PASSWORD) no longer works.
    expect((await new TestApi(server.url).call('POST', '/api/auth/login', { username: 'admin', password: 'Admin-Test-Password-1' })).status).toBe(401);
  });

  it('shows the live meeting under "live now" for a delegate, the guest, the observer and the Ba Chẽ operator', async () => {
    const { live, upcoming, past } = seeded.meetings;
    expect(live && upcoming && past).toBeTruthy();
    for (const username of ['daibieu1', 'daibieu3', 'khach', 'quansat', 'diemcau.bache', 'chutri', 'thuky']) {
      const mine = await (await api(username)).ok<MyMeetings>('GET', '/api/meetings');
      expect(mine.live.map((m) => m.id), username).toEqual([live]);
      expect(mine.live[0]!.title).toBe(LIVE_MEETING_TITLE);
    }
    const delegate = await (await api('daibieu1')).ok<MyMeetings>('GET', '/api/meetings');
    expect(delegate.upcoming.map((m) => m.id)).toEqual([upcoming]);
    expect(delegate.upcoming[0]!.status).toBe('published');
    expect(delegate.past.map((m) => m.id)).toEqual([past]);
    expect(delegate.past[0]!.status).toBe('ended');
    expect(Date.parse(delegate.past[0]!.endsAt)).toBeLessThan(Date.now());
    // Communes are not invited to the upcoming meeting; the Ba Chẽ district point is.
    expect((await (await api('diemcau.bache')).ok<MyMeetings>('GET', '/api/meetings')).upcoming.map((m) => m.id)).toEqual([upcoming]);
  });

  it('has the live meeting starting within the hour, with its agenda, every point and the delegates', async () => {
    const m = await (await api('daibieu2')).ok<Meeting>('GET', `/api/meetings/${seeded.meetings.live}`);
    const startsIn = Date.parse(m.startsAt) - Date.now();
    expect(startsIn).toBeGreaterThan(0);
    expect(startsIn).toBeLessThanOrEqual(3600_000);
    expect(m.status).toBe('live');
    expect(m.chairId).toBe(seeded.accountIds['chutri']);
    expect(m.secretaryId).toBe(seeded.accountIds['thuky']);
    expect(m.agenda.length).toBeGreaterThanOrEqual(4);
    expect(m.agenda.length).toBeLessThanOrEqual(5);
    for (const item of m.agenda) {
      expect(item.title).not.toBe('');
      expect(item.presenter).not.toBe('');
      expect(item.durationMinutes).toBeGreaterThan(0);
    }
    expect(Date.parse(m.endsAt) - Date.parse(m.startsAt)).toBe(m.agenda.reduce((s, a) => s + a.durationMinutes, 0) * 60_000);
    expect(m.invitedPointIds.sort()).toEqual(Object.values(seeded.pointIds).sort());
    for (const u of ['daibieu1', 'daibieu2', 'daibieu3']) expect(m.delegateIds).toContain(seeded.accountIds[u]);
    expect(m.can.join).toBe(true);
  });

  it('lets a delegate and the operator join the live meeting at once', async () => {
    for (const username of ['daibieu1', 'diemcau.bache']) {
      const c = await TestSignalingClient.connect(server.url, (await api(username)).token!);
      const joined = await c.request('join', { meetingId: seeded.meetings.live! });
      expect(joined).toBeTruthy();
      c.close();
    }
  });

  it('wrote its changes to the audit log as the admin and the secretary', async () => {
    const rows = await server.store.db.selectFrom('audit_log').select(['action', 'actor_id']).execute();
    const count = (action: string) => rows.filter((r) => r.action === action).length;
    expect(count('unit.create')).toBe(19);
    expect(count('point.create')).toBe(19);
    expect(count('meeting.create')).toBe(3);
    expect(rows.filter((r) => r.action === 'meeting.create').every((r) => r.actor_id === seeded.accountIds['thuky'])).toBe(true);
    expect(rows.filter((r) => r.action === 'unit.create').every((r) => r.actor_id === seeded.accountIds['admin'])).toBe(true);
  });

  it('changes nothing when run again, and returns the same ids', async () => {
    const before = await snapshot(server.store.db);
    const lines: string[] = [];
    const again = await seedDemo(server, { log: (l) => lines.push(l) });
    expect(again.status).toBe('already-seeded');
    expect(lines.join('\n')).toMatch(/already seeded/);
    expect(await snapshot(server.store.db)).toEqual(before);
    expect({ ...again, status: 'seeded' }).toEqual(seeded);
  });
});

describe('npm run seed:demo', () => {
  it('seeds an empty data folder, prints the credentials, and says "already seeded" the second time', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-seed-'));
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.join(' '));
    });
    try {
      await seedDemoCli({ DATA_DIR: dataDir });
      const first = printed.splice(0).join('\n');
      expect(first).toContain(`Seeded "${DEMO_PROVINCE}"`);
      for (const u of ['admin', 'thuky', 'chutri', 'daibieu1', 'daibieu2', 'daibieu3', 'khach', 'diemcau.bache', 'quansat']) expect(first).toContain(`\`${u}\``);
      expect(first).toContain(`\`${DEMO_PASSWORD}\``);

      await seedDemoCli({ DATA_DIR: dataDir });
      const second = printed.join('\n');
      expect(second).toMatch(/Already seeded/);
      expect(second).toContain('`diemcau.bache`');
    } finally {
      spy.mockRestore();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('demo seed on PostgreSQL', () => {
  let pg: TestPostgres | null = null;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it('seeds the same province and meetings, and changes nothing the second time', async () => {
    const services = await openTestServices('postgres', pg);
    try {
      await ensureAdmin(services.directory, quietLogger(), 'Admin-Test-Password-1');
      const first = await seedDemo(services);
      expect(first.status).toBe('seeded');
      expect(Object.keys(first.unitIds)).toHaveLength(19);
      expect(Object.keys(first.pointIds)).toHaveLength(19);
      expect(Object.keys(first.accountIds)).toHaveLength(9);
      expect(Object.values(first.meetings).every(Boolean)).toBe(true);

      const operator = await services.db.selectFrom('accounts').selectAll().where('username', '=', 'diemcau.bache').executeTakeFirstOrThrow();
      const mine = await services.meetings.mine(actorOf({ id: operator.id, role: 'operator', displayName: operator.display_name, unitId: operator.unit_id, bridgePointId: operator.bridge_point_id }));
      expect(mine.live.map((m) => m.id)).toEqual([first.meetings.live]);
      expect(mine.upcoming.map((m) => m.id)).toEqual([first.meetings.upcoming]);
      expect(mine.past.map((m) => m.id)).toEqual([first.meetings.past]);

      const before = await snapshot(services.db);
      const again = await seedDemo(services);
      expect(again.status).toBe('already-seeded');
      expect({ ...again, status: 'seeded' }).toEqual(first);
      expect(await snapshot(services.db)).toEqual(before);
    } finally {
      await services.close();
    }
  });
});
