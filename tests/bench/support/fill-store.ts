/**
 * Fills a migrated store with a large, realistic directory and meeting history by bulk inserts
 * through Kysely (not through the services: 300,000+ rows one by one with an audit row each would
 * take minutes). One password hash is computed once and shared by every account.
 *
 * Shape (defaults): 1,000 units (1 province, 30 departments, 60 districts, 909 communes) with one
 * bridge point each; 5,000 accounts (1,000 point operators, 50 secretaries, 30 chairs, 100 guests,
 * 20 observers, the rest delegates); 10,000 meetings over the past ~13 months and the next 2 months
 * (≈ 80 % past, ≈ 20 % upcoming, 30 live now), each inviting 15–25 bridge points (the province's
 * host point in 60 % of them) and 5–15 delegates, with 3–5 agenda items.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import { hashPassword } from '../../../sfu-server/src/auth/passwords';
import type { Db } from '../../../sfu-server/src/store/database';
import type { AccountsTable, AgendaItemsTable, BridgePointsTable, Database, MeetingDelegatesTable, MeetingPointsTable, MeetingsTable, UnitsTable } from '../../../sfu-server/src/store/schema';

export const BENCH_PASSWORD = 'Bench-Password-1';

export interface FillOptions {
  units?: number;
  accounts?: number;
  meetings?: number;
  /** PRNG seed: the same seed gives the same shape (ids differ). */
  seed?: number;
  now?: Date;
}

export interface FilledStore {
  counts: Record<string, number>;
  /** Usernames by role (all of them), for picking random callers. */
  usernames: Record<'delegate' | 'operator' | 'secretary' | 'chair' | 'guest' | 'observer', string[]>;
  /** The operator of the province's host point, invited to most meetings: the worst case of "my meetings". */
  hostOperator: string;
  seconds: number;
}

/** mulberry32: small, fast, seedable. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  /** k distinct elements of xs (partial Fisher–Yates on a copy of the indexes). */
  const sample = <T>(xs: readonly T[], k: number): T[] => {
    const idx = xs.map((_, i) => i);
    const out: T[] = [];
    for (let i = 0; i < Math.min(k, xs.length); i++) {
      const j = i + Math.floor(next() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      out.push(xs[idx[i]!]!);
    }
    return out;
  };
  return { next, int, pick, sample };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Quang', 'Thu', 'Hữu', 'Đức', 'Ngọc', 'Thanh'];
const GIVEN = ['Hùng', 'Hương', 'Nam', 'Lan', 'Minh', 'Hà', 'Tuấn', 'Mai', 'Dũng', 'Hải', 'Linh', 'Sơn', 'Thảo', 'Cường', 'Yến'];
const TOPICS = ['Giao ban trực tuyến', 'Hội nghị sơ kết', 'Họp triển khai', 'Hội nghị tổng kết', 'Họp chuyên đề', 'Họp Ban Chỉ đạo'];
const SUBJECTS = ['chuyển đổi số', 'cải cách hành chính', 'phòng, chống thiên tai', 'giải ngân vốn đầu tư công', 'xây dựng nông thôn mới', 'an toàn giao thông', 'thu ngân sách'];

/** Inserts rows in chunks small enough for both engines' bound-parameter limits. */
async function insertAll<T extends keyof Database>(db: Db, table: T, rows: Insertable<Database[T]>[], columns: number): Promise<void> {
  const chunk = Math.max(1, Math.floor(30_000 / columns));
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += chunk) {
      await tx
        .insertInto(table)
        .values(rows.slice(i, i + chunk) as never)
        .execute();
    }
  });
}

export async function fillStore(db: Db, options: FillOptions = {}): Promise<FilledStore> {
  const started = performance.now();
  const r = prng(options.seed ?? 20251201);
  const nowMs = (options.now ?? new Date()).getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const createdAt = iso(nowMs - 500 * 86400_000);
  const HOUR = 3600_000;
  const DAY = 24 * HOUR;

  // ---- units and bridge points -----------------------------------------------------------------
  const unitCount = options.units ?? 1000;
  const units: Insertable<UnitsTable>[] = [];
  const province = { id: randomUUID(), name: 'UBND tỉnh Thử Nghiệm', level: 'province', parent_id: null, created_at: createdAt };
  units.push(province);
  const departments = Math.round(unitCount * 0.03);
  const districts = Math.round(unitCount * 0.06);
  for (let i = 1; i <= departments; i++) units.push({ id: randomUUID(), name: `Sở số ${i}`, level: 'department', parent_id: province.id, created_at: createdAt });
  const districtIds: string[] = [];
  for (let i = 1; i <= districts; i++) {
    const id = randomUUID();
    districtIds.push(id);
    units.push({ id, name: `UBND huyện số ${i}`, level: 'district', parent_id: province.id, created_at: createdAt });
  }
  for (let i = 1; units.length < unitCount; i++) {
    units.push({ id: randomUUID(), name: `UBND xã số ${i}`, level: 'commune', parent_id: districtIds[i % districtIds.length]!, created_at: createdAt });
  }
  const points: Insertable<BridgePointsTable>[] = units.map((u) => ({
    id: randomUUID(),
    unit_id: u.id,
    name: `Phòng họp trực tuyến – ${u.name}`,
    headcount: u.level === 'commune' ? r.int(8, 30) : r.int(20, 120),
    created_at: createdAt,
  }));
  await insertAll(db, 'units', units, 5);
  await insertAll(db, 'bridge_points', points, 5);

  // ---- accounts ----------------------------------------------------------------------------------
  const hash = await hashPassword(BENCH_PASSWORD);
  const accountCount = options.accounts ?? 5000;
  const plan: [FilledStore['usernames'] extends Record<infer K, unknown> ? K : never, number][] = [
    ['operator', Math.min(points.length, Math.round(accountCount * 0.2))],
    ['secretary', Math.round(accountCount * 0.01)],
    ['chair', Math.round(accountCount * 0.006)],
    ['guest', Math.round(accountCount * 0.02)],
    ['observer', Math.round(accountCount * 0.004)],
  ];
  plan.push(['delegate', accountCount - plan.reduce((s, [, n]) => s + n, 0)]);
  const accounts: Insertable<AccountsTable>[] = [];
  const usernames: FilledStore['usernames'] = { delegate: [], operator: [], secretary: [], chair: [], guest: [], observer: [] };
  const idsByRole: Record<string, string[]> = {};
  for (const [role, n] of plan) {
    for (let i = 0; i < n; i++) {
      const username = `bench.${role}.${i + 1}`;
      const id = randomUUID();
      const unit = role === 'operator' ? units[i]! : r.pick(units);
      accounts.push({
        id,
        username,
        display_name: `${r.pick(FAMILY)} ${r.pick(MIDDLE)} ${r.pick(GIVEN)}`,
        title: role === 'operator' ? `Kỹ thuật viên – ${unit.name}` : '',
        role,
        unit_id: unit.id,
        bridge_point_id: role === 'operator' ? points[i]!.id : null,
        password_hash: hash,
        disabled: 0,
        created_at: createdAt,
        updated_at: createdAt,
      });
      usernames[role].push(username);
      (idsByRole[role] ??= []).push(id);
    }
  }
  await insertAll(db, 'accounts', accounts, 11);

  // ---- meetings, invitations, agenda ---------------------------------------------------------------
  const meetingCount = options.meetings ?? 10_000;
  const liveCount = Math.min(30, meetingCount);
  const upcomingCount = Math.round(meetingCount * 0.2);
  const meetings: Insertable<MeetingsTable>[] = [];
  const meetingPoints: Insertable<MeetingPointsTable>[] = [];
  const meetingDelegates: Insertable<MeetingDelegatesTable>[] = [];
  const agenda: Insertable<AgendaItemsTable>[] = [];
  const hostPoint = points[0]!.id;
  const otherPoints = points.slice(1).map((p) => p.id);
  const delegates = idsByRole['delegate'] ?? [];
  const secretaries = idsByRole['secretary']!;
  const chairs = idsByRole['chair']!;
  for (let i = 0; i < meetingCount; i++) {
    let start: number;
    let status: string;
    if (i < liveCount) {
      start = nowMs - r.int(0, 90) * 60_000;
      status = 'live';
    } else if (i < liveCount + upcomingCount) {
      start = nowMs + HOUR + r.next() * 60 * DAY;
      status = r.next() < 0.85 ? 'published' : 'draft';
    } else {
      start = nowMs - 3 * HOUR - r.next() * 400 * DAY;
      status = r.next() < 0.92 ? 'ended' : 'cancelled';
    }
    start = Math.floor(start / (15 * 60_000)) * 15 * 60_000;
    const id = randomUUID();
    const secretary = r.pick(secretaries);
    meetings.push({
      id,
      title: `${r.pick(TOPICS)} về ${r.pick(SUBJECTS)} – lần ${i + 1}`,
      description: 'Nội dung: đánh giá kết quả, bàn nhiệm vụ và giải pháp trọng tâm thời gian tới.',
      starts_at: iso(start),
      ends_at: iso(start + r.int(1, 4) * HOUR),
      status,
      chair_id: r.next() < 0.8 ? r.pick(chairs) : secretary,
      secretary_id: secretary,
      created_by: secretary,
      created_at: iso(Math.min(start, nowMs) - r.int(1, 20) * DAY),
      updated_at: iso(Math.min(start, nowMs)),
    });
    const withHost = r.next() < 0.6;
    const invited = r.sample(otherPoints, r.int(15, 25) - (withHost ? 1 : 0));
    if (withHost) invited.push(hostPoint);
    for (const p of invited) meetingPoints.push({ meeting_id: id, bridge_point_id: p });
    for (const a of r.sample(delegates, r.int(5, 15))) meetingDelegates.push({ meeting_id: id, account_id: a });
    const items = r.int(3, 5);
    for (let k = 1; k <= items; k++) agenda.push({ id: randomUUID(), meeting_id: id, position: k, title: `Nội dung ${k}: báo cáo và thảo luận`, presenter: 'Lãnh đạo đơn vị', duration_minutes: r.int(10, 45) });
  }
  await insertAll(db, 'meetings', meetings, 11);
  await insertAll(db, 'meeting_points', meetingPoints, 2);
  await insertAll(db, 'meeting_delegates', meetingDelegates, 2);
  await insertAll(db, 'agenda_items', agenda, 6);

  return {
    counts: {
      units: units.length,
      bridge_points: points.length,
      accounts: accounts.length,
      meetings: meetings.length,
      live: liveCount,
      upcoming: upcomingCount,
      past: meetingCount - liveCount - upcomingCount,
      meeting_points: meetingPoints.length,
      meeting_delegates: meetingDelegates.length,
      agenda_items: agenda.length,
    },
    usernames,
    hostOperator: usernames.operator[0]!,
    seconds: (performance.now() - started) / 1000,
  };
}
