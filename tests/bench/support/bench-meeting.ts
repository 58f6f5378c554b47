/**
 * What the server-side benchmarks share: a store with N operator accounts (one bridge point each)
 * and a live meeting chaired by the first, written directly with tokens signed as a login would
 * (300 scrypt logins would dominate a run); the real server started as a child process on it (as
 * in production, so /proc gives its CPU and memory apart from the generator's); its metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { MediaMetrics } from '../../../common/api/metrics';
import { hashPassword } from '../../../sfu-server/src/auth/passwords';
import { TokenSigner } from '../../../sfu-server/src/auth/tokens';
import { createLogger } from '../../../sfu-server/src/observability/logger';
import { openStore } from '../../../sfu-server/src/store/database';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BenchMeeting {
  meetingId: string;
  /** Access tokens of the points' operators, point 0 (the chair) first. */
  tokens: string[];
  accountIds: string[];
  adminToken: string;
}

/** Where the bench meeting is written: SQLite in `dataDir` by default, or a PostgreSQL database the servers have already migrated. */
export interface StoreTarget {
  databaseUrl?: string;
  /** The servers' AUTH_SECRET, when they are given one (otherwise the key file in `dataDir`). */
  authSecret?: string;
  title?: string;
}

export async function prepareStore(dataDir: string, points: number, target: StoreTarget = {}): Promise<BenchMeeting> {
  const store = await openStore({ dataDir, ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}), logger: createLogger('silent') });
  const db = store.db;
  const now = new Date().toISOString();
  const hash = await hashPassword(randomUUID());
  const unitId = randomUUID();
  await db.insertInto('units').values({ id: unitId, name: 'UBND tỉnh Đo Tải', level: 'province', parent_id: null, created_at: now }).execute();
  const accounts = Array.from({ length: points }, () => ({ id: randomUUID(), pointId: randomUUID() }));
  for (let i = 0; i < points; i += 100) {
    const slice = accounts.slice(i, i + 100);
    await db.insertInto('bridge_points').values(slice.map((a, k) => ({ id: a.pointId, unit_id: unitId, name: `Điểm cầu ${i + k + 1}`, headcount: 20, created_at: now }))).execute();
    await db
      .insertInto('accounts')
      .values(slice.map((a, k) => ({ id: a.id, username: `diemcau${i + k + 1}`, display_name: `Điểm cầu ${i + k + 1}`, title: '', role: 'operator', unit_id: unitId, bridge_point_id: a.pointId, password_hash: hash, disabled: 0, created_at: now, updated_at: now })))
      .execute();
  }
  const adminId = randomUUID();
  await db.insertInto('accounts').values({ id: adminId, username: 'bench-admin', display_name: 'Quản trị', title: '', role: 'admin', unit_id: null, bridge_point_id: null, password_hash: hash, disabled: 0, created_at: now, updated_at: now }).execute();
  const meetingId = randomUUID();
  const chairId = accounts[0]!.id;
  await db
    .insertInto('meetings')
    .values({ id: meetingId, title: target.title ?? 'Hội nghị trực tuyến toàn tỉnh (đo tải)', description: '', starts_at: now, ends_at: new Date(Date.now() + 3600_000).toISOString(), status: 'live', chair_id: chairId, secretary_id: chairId, created_by: chairId, created_at: now, updated_at: now })
    .execute();
  for (let i = 0; i < accounts.length; i += 100) await db.insertInto('meeting_points').values(accounts.slice(i, i + 100).map((a) => ({ meeting_id: meetingId, bridge_point_id: a.pointId }))).execute();
  // Sessions and access tokens, as a login would make them (300 scrypt logins would dominate the run).
  const signer = TokenSigner.fromDataDir(dataDir, target.authSecret);
  const sign = async (accountId: string) => {
    const sid = randomUUID();
    await db.insertInto('sessions').values({ id: sid, account_id: accountId, refresh_hash: randomUUID(), created_at: now, expires_at: new Date(Date.now() + 86400_000).toISOString(), revoked_at: null }).execute();
    return (await signer.signAccess({ sub: accountId, sid })).token;
  };
  const tokens: string[] = [];
  for (const a of accounts) tokens.push(await sign(a.id));
  const adminToken = await sign(adminId);
  await store.close();
  return { meetingId, tokens, adminToken, accountIds: accounts.map((a) => a.id) };
}

export async function startServer(dataDir: string, port: number, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sfu-server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      RTC_LISTEN_IP: '127.0.0.1',
      RTC_MIN_PORT: '50000',
      RTC_MAX_PORT: '52999',
      MEDIASOUP_WORKERS: '2',
      HEARTBEAT_SECONDS: '30',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      RENDERER_DIR: path.join(dataDir, 'no-client'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { child, url };
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error('the server did not start');
}

export async function metrics(url: string, adminToken: string): Promise<MediaMetrics> {
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  return (await res.json()) as MediaMetrics;
}

