/** A small HTTP client for tests: log in, call the JSON API, and build a live meeting with invitees. */
import { TEST_ADMIN_PASSWORD } from './constants';

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export class TestApi {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<TestApi> {
    const res = await new TestApi(baseUrl).call('POST', '/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return new TestApi(baseUrl, res.body.accessToken);
  }

  static admin(baseUrl: string): Promise<TestApi> {
    return TestApi.login(baseUrl, 'admin', TEST_ADMIN_PASSWORD);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T };
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

export const PASSWORD = 'Mat-khau-thu-1';
let counter = 0;

export interface Person {
  id: string;
  username: string;
  token: string;
  api: TestApi;
}

/** Creates an account of that role (and for operators, a bridge point in a new unit) and logs it in. */
export async function person(admin: TestApi, role: string, displayName: string, extra: Record<string, unknown> = {}): Promise<Person> {
  const username = `${role}.${process.pid}.${++counter}`;
  let bridgePointId: string | null = null;
  if (role === 'operator') {
    const unit = await admin.ok('POST', '/api/units', { name: `UBND xã ${displayName}`, level: 'commune', parentId: null });
    const point = await admin.ok('POST', '/api/bridge-points', { unitId: unit.id, name: `Phòng họp ${displayName}`, headcount: 25 });
    bridgePointId = point.id;
  }
  const account = await admin.ok('POST', '/api/accounts', { username, displayName, role, password: PASSWORD, bridgePointId, ...extra });
  const api = await TestApi.login(admin.baseUrl, username, PASSWORD);
  return { id: account.id, username, token: api.token!, api };
}

/** A live meeting with a chair, a secretary and the given invitees (delegates or operators). */
export async function liveMeeting(admin: TestApi, invitees: Person[], title = 'Họp giao ban trực tuyến') {
  const chair = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  const secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  const start = new Date(Date.now() + 60_000);
  const meeting = await secretary.api.ok('POST', '/api/meetings', {
    title,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 2 * 3600_000).toISOString(),
    chairId: chair.id,
    secretaryId: secretary.id,
  });
  const pointIds: string[] = [];
  const delegateIds: string[] = [];
  for (const p of invitees) {
    const me = await p.api.ok('GET', '/api/auth/me');
    if (me.bridgePointId) pointIds.push(me.bridgePointId);
    else delegateIds.push(p.id);
  }
  await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { pointIds, delegateIds });
  await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });
  return { id: meeting.id as string, chair, secretary };
}
