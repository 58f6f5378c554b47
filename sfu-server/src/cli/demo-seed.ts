/**
 * Seeds the demo province through the real services (DirectoryService, MeetingsService), so that
 * passwords are hashed and every change is in the audit log exactly as if made from the UI.
 * Used by `npm run seed:demo` (seed-demo.ts), the integration test and the end-to-end suite.
 *
 * Idempotent: when the province named DEMO_PROVINCE exists, nothing is changed ("already seeded")
 * and the same result (ids, credentials) is returned.
 */
import type { Role } from '../../../common/api/model';
import type { Actor } from '../auth/policy';
import type { DirectoryService } from '../meetings/directory-service';
import type { MeetingsService } from '../meetings/meetings-service';
import {
  ADMIN_ROW,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  DEMO_PROVINCE,
  DEMO_UNITS,
  LIVE_MEETING_TITLE,
  liveAgenda,
  PAST_AGENDA,
  PAST_MEETING_TITLE,
  UPCOMING_AGENDA,
  UPCOMING_TITLE_PREFIX,
  upcomingMeetingTitle,
  type DemoAgendaItem,
  type DemoUnit,
} from './demo-data';

export interface DemoServices {
  directory: DirectoryService;
  meetings: MeetingsService;
}

export interface DemoSeedOptions {
  /** The password of every demo account, and of `admin` (default DEMO_PASSWORD, ≥ 10 characters). */
  password?: string;
  /** Set the existing admin account's password to the demo password too (default true). */
  resetAdminPassword?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface DemoCredential {
  role: Role;
  roleLabel: string;
  username: string;
  password: string;
  tryThis: string;
}

export interface DemoSeedResult {
  status: 'seeded' | 'already-seeded';
  password: string;
  credentials: DemoCredential[];
  /** Unit ids by key (DEMO_UNITS: 'province', 'bache', 'bache.thanhson', 'sonoivu', …). */
  unitIds: Record<string, string>;
  /** Bridge-point ids by the key of their unit. */
  pointIds: Record<string, string>;
  /** Account ids by username (admin included). */
  accountIds: Record<string, string>;
  /** Meeting ids (null when a demo meeting was renamed since the seed). */
  meetings: { live: string | null; upcoming: string | null; past: string | null };
}

const VN_OFFSET_MS = 7 * 3600_000; // Asia/Ho_Chi_Minh, no daylight saving
const MINUTE = 60_000;

/** The instant of `hour:minute` in Vietnam, `days` days after the Vietnamese date of `at`. */
function vietnamTime(at: Date, days: number, hour: number, minute = 0): Date {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, hour, minute) - VN_OFFSET_MS);
}

const totalMinutes = (items: DemoAgendaItem[]) => items.reduce((sum, i) => sum + i.durationMinutes, 0);

function* walk(unit: DemoUnit, parentKey: string | null = null): Generator<{ unit: DemoUnit; parentKey: string | null }> {
  yield { unit, parentKey };
  for (const child of unit.children ?? []) yield* walk(child, unit.key);
}

export async function seedDemo(services: DemoServices, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const { directory, meetings } = services;
  const db = directory.db;
  const password = options.password ?? DEMO_PASSWORD;
  const log = options.log ?? (() => {});

  const existing = await db.selectFrom('units').select('id').where('name', '=', DEMO_PROVINCE).where('level', '=', 'province').executeTakeFirst();
  if (existing) {
    log(`already seeded: "${DEMO_PROVINCE}" exists; nothing changed`);
    return { status: 'already-seeded', ...(await lookup(services, existing.id, password)) };
  }

  const admin = await adminRow(services);
  const adminActor = actorOf(admin);

  // Refuse to mix the demo with accounts made by hand under the same names.
  const taken = await db
    .selectFrom('accounts')
    .select('username')
    .where(
      'username',
      'in',
      DEMO_ACCOUNTS.map((a) => a.username),
    )
    .execute();
  if (taken.length) {
    throw new Error(`cannot seed the demo: the usernames ${taken.map((t) => t.username).join(', ')} already exist but "${DEMO_PROVINCE}" does not`);
  }

  // ---- units and bridge points (as admin) -----------------------------------------------------
  const unitIds: Record<string, string> = {};
  const pointIds: Record<string, string> = {};
  for (const { unit, parentKey } of walk(DEMO_UNITS)) {
    const created = await directory.createUnit(adminActor, { name: unit.name, level: unit.level, parentId: parentKey ? unitIds[parentKey]! : null });
    unitIds[unit.key] = created.id;
    const point = await directory.createPoint(adminActor, { unitId: created.id, name: unit.point.name, headcount: unit.point.headcount });
    pointIds[unit.key] = point.id;
  }
  log(`units: ${Object.keys(unitIds).length}, bridge points: ${Object.keys(pointIds).length}`);

  // ---- accounts (as admin) --------------------------------------------------------------------
  const accountIds: Record<string, string> = { [admin.username]: admin.id };
  for (const a of DEMO_ACCOUNTS) {
    const created = await directory.createAccount(adminActor, {
      username: a.username,
      displayName: a.displayName,
      title: a.title,
      role: a.role,
      unitId: unitIds[a.unit]!,
      bridgePointId: a.operates ? pointIds[a.operates]! : null,
      password,
    });
    accountIds[a.username] = created.id;
  }
  if (options.resetAdminPassword ?? true) await directory.updateAccount(adminActor, admin.id, { password });
  log(`accounts: ${DEMO_ACCOUNTS.length} (+ ${admin.username})`);

  // ---- meetings (as the secretary) ------------------------------------------------------------
  const secretary = actorOf(await db.selectFrom('accounts').selectAll().where('id', '=', accountIds['thuky']!).executeTakeFirstOrThrow());
  const chairId = accountIds['chutri']!;
  const invitedPeople = DEMO_ACCOUNTS.filter((a) => a.invited).map((a) => accountIds[a.username]!);
  const delegates = DEMO_ACCOUNTS.filter((a) => a.role === 'delegate').map((a) => accountIds[a.username]!);
  const now = new Date();

  const prepare = async (title: string, description: string, startsAt: Date, agenda: DemoAgendaItem[], invitations: { levels?: ('province' | 'district' | 'commune' | 'department')[]; delegateIds: string[] }) => {
    const meeting = await meetings.create(secretary, {
      title,
      description,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + totalMinutes(agenda) * MINUTE).toISOString(),
      chairId,
      secretaryId: secretary.accountId,
    });
    await meetings.setAgenda(secretary, meeting.id, { items: agenda });
    await meetings.setInvitations(secretary, meeting.id, { pointIds: [], unitIds: [unitIds['province']!], ...(invitations.levels ? { levels: invitations.levels } : {}), delegateIds: invitations.delegateIds });
    await meetings.transition(secretary, meeting.id, 'published');
    return meeting.id;
  };

  // Live now, starting within the hour (on the next quarter hour at least 15 minutes away).
  const liveStart = new Date(Math.ceil((now.getTime() + 15 * MINUTE) / (15 * MINUTE)) * 15 * MINUTE);
  const live = await prepare(
    LIVE_MEETING_TITLE,
    'Hội nghị trực tuyến giữa điểm cầu chính UBND tỉnh với các sở, UBND các huyện, thị xã và UBND các xã, phường, thị trấn: đánh giá tình hình tháng 12, bàn nhiệm vụ trọng tâm tháng tới.',
    liveStart,
    liveAgenda(vietnamTime(now, 0, 0).getUTCFullYear()),
    { delegateIds: invitedPeople },
  );
  await meetings.transition(secretary, live, 'live');

  // Published, three days from now at 08:00 (province, districts and departments; not communes).
  const nextYear = new Date(now.getTime() + VN_OFFSET_MS).getUTCFullYear() + 1;
  const upcoming = await prepare(
    upcomingMeetingTitle(nextYear),
    'Triển khai kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn; phân công nhiệm vụ cho các sở và địa phương.',
    vietnamTime(now, 3, 8),
    UPCOMING_AGENDA,
    { levels: ['province', 'district', 'department'], delegateIds: delegates },
  );

  // Ended last week. The service refuses to create a meeting in the past, so it is held now through
  // the service (publish → live → ended, all audited) and its dates are then moved back a week.
  const pastAgenda = PAST_AGENDA;
  const past = await prepare(
    PAST_MEETING_TITLE,
    'Sơ kết 9 tháng thực hiện Đề án chuyển đổi số của tỉnh; các địa phương báo cáo kết quả và kiến nghị.',
    new Date(now.getTime() + MINUTE),
    pastAgenda,
    { delegateIds: [...delegates, accountIds['quansat']!] },
  );
  await meetings.transition(secretary, past, 'live');
  await meetings.transition(secretary, past, 'ended');
  const pastStart = vietnamTime(now, -7, 8);
  const pastEnd = new Date(pastStart.getTime() + totalMinutes(pastAgenda) * MINUTE);
  await db
    .updateTable('meetings')
    .set({ starts_at: pastStart.toISOString(), ends_at: pastEnd.toISOString(), created_at: vietnamTime(now, -14, 9).toISOString(), updated_at: pastEnd.toISOString() })
    .where('id', '=', past)
    .execute();
  log('meetings: 1 live, 1 upcoming (published), 1 past (ended)');

  return { status: 'seeded', ...(await lookup(services, unitIds['province']!, password)) };
}

async function adminRow(services: DemoServices) {
  const db = services.directory.db;
  const admin =
    (await db.selectFrom('accounts').selectAll().where('username', '=', 'admin').where('role', '=', 'admin').executeTakeFirst()) ??
    (await db.selectFrom('accounts').selectAll().where('role', '=', 'admin').where('disabled', '=', 0).orderBy('created_at').executeTakeFirst());
  if (!admin) throw new Error('cannot seed the demo: the store has no admin account (start the server once, or call ensureAdmin first)');
  return admin;
}

/** The seed acts as these accounts directly (no login, no session): they are trusted rows of the store. */
function actorOf(row: { id: string; role: string; display_name: string; unit_id: string | null; bridge_point_id: string | null }): Actor {
  return { accountId: row.id, sessionId: 'seed-demo', role: row.role as Role, displayName: row.display_name, unitId: row.unit_id, bridgePointId: row.bridge_point_id };
}

/** The ids and credentials of a seeded province, read back from the store. */
async function lookup(services: DemoServices, provinceId: string, password: string): Promise<Omit<DemoSeedResult, 'status'>> {
  const db = services.directory.db;
  const unitIds: Record<string, string> = { [DEMO_UNITS.key]: provinceId };
  const pointIds: Record<string, string> = {};
  for (const { unit, parentKey } of walk(DEMO_UNITS)) {
    if (parentKey) {
      const parent = unitIds[parentKey];
      if (!parent) continue;
      const row = await db.selectFrom('units').select('id').where('parent_id', '=', parent).where('name', '=', unit.name).executeTakeFirst();
      if (!row) continue;
      unitIds[unit.key] = row.id;
    }
    const point = await db.selectFrom('bridge_points').select('id').where('unit_id', '=', unitIds[unit.key]!).orderBy('created_at').executeTakeFirst();
    if (point) pointIds[unit.key] = point.id;
  }

  const admin = await adminRow(services);
  const accountIds: Record<string, string> = { [admin.username]: admin.id };
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'username'])
    .where(
      'username',
      'in',
      DEMO_ACCOUNTS.map((a) => a.username),
    )
    .execute();
  for (const r of rows) accountIds[r.username] = r.id;

  const secretaryId = accountIds['thuky'];
  const meetingId = async (title: string, like = false) => {
    if (!secretaryId) return null;
    const row = await db
      .selectFrom('meetings')
      .select('id')
      .where('title', like ? 'like' : '=', title)
      .where('secretary_id', '=', secretaryId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row?.id ?? null;
  };

  const credentials: DemoCredential[] = [
    { role: 'admin', roleLabel: ADMIN_ROW.roleLabel, username: admin.username, password, tryThis: ADMIN_ROW.tryThis },
    ...DEMO_ACCOUNTS.map((a) => ({ role: a.role, roleLabel: a.roleLabel, username: a.username, password, tryThis: a.tryThis })),
  ];
  return {
    password,
    credentials,
    unitIds,
    pointIds,
    accountIds,
    meetings: {
      live: await meetingId(LIVE_MEETING_TITLE),
      upcoming: await meetingId(`${UPCOMING_TITLE_PREFIX}%`, true),
      past: await meetingId(PAST_MEETING_TITLE),
    },
  };
}

/** The credentials as a Markdown table (the same table README lists). */
export function credentialsTable(credentials: DemoCredential[]): string {
  const header = ['role', 'username', 'password', 'what to try'];
  const rows = credentials.map((c) => [c.roleLabel, `\`${c.username}\``, `\`${c.password}\``, c.tryThis]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
