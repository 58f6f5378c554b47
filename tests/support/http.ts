/**
 * HTTP helpers for API tests against a real server: people signed in without the login route
 * (which is rate-limited per address), raw requests for malformed input, the one error shape, and
 * the server's own route table.
 */
import { expect } from 'vitest';
import type { Account } from '../../common/api/model';
import { ApiError } from '../../common/api/model';
import type { RunningServer } from '../../sfu-server/src/server';
import { PASSWORD, TestApi } from './api-client';
import { actorOf } from './stores';

/** A session for that account, made by the auth service directly (same tokens as the route's). */
export async function signIn(server: RunningServer, username: string, password = PASSWORD): Promise<TestApi & { refreshToken: string }> {
  const session = await server.auth.login(username, password, `test-${username}`);
  return Object.assign(new TestApi(server.url, session.accessToken), { refreshToken: session.refreshToken });
}

export interface Member {
  account: Account;
  id: string;
  username: string;
  api: TestApi;
  token: string;
  actor: ReturnType<typeof actorOf>;
}

let counter = 0;

/** Creates an account through the admin API (operators get a unit and a bridge point) and signs it in. */
export async function member(server: RunningServer, admin: TestApi, role: Account['role'], displayName: string, extra: Record<string, unknown> = {}): Promise<Member> {
  const username = `${role}.${process.pid}.m${++counter}`;
  let bridgePointId: string | null = (extra['bridgePointId'] as string | undefined) ?? null;
  if (role === 'operator' && !bridgePointId) {
    const unit = await admin.ok('POST', '/api/units', { name: `UBND xã ${displayName}`, level: 'commune', parentId: null });
    bridgePointId = (await admin.ok('POST', '/api/bridge-points', { unitId: unit.id, name: `Điểm cầu ${displayName}`, headcount: 25 })).id;
  }
  const account = (await admin.ok('POST', '/api/accounts', { username, displayName, role, password: PASSWORD, ...extra, bridgePointId })) as Account;
  const api = await signIn(server, username);
  return { account, id: account.id, username, api, token: api.token!, actor: actorOf(account) };
}

export interface RawResult {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Any request, body sent as given (a string is sent as is, so it may be malformed). */
export async function raw(baseUrl: string, method: string, path: string, options: { token?: string | null; body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<RawResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const res = await fetch(baseUrl + path, { method, headers, ...(options.body !== undefined ? { body: options.body as BodyInit } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** The one error shape `{ code, messageKey, message, details? }`, nothing else, with that status and code. */
export function expectApiError(res: { status: number; body: unknown }, status: number, code?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const parsed = ApiError.strict().safeParse(res.body);
  expect(parsed.success, `not the error shape: ${JSON.stringify(res.body)}`).toBe(true);
  const body = res.body as ApiError;
  if (code) expect(body.code).toBe(code);
  expect(body.messageKey).toBe(`apiErrors.${body.code}`);
  expect(body.message.length).toBeGreaterThan(0);
}

/**
 * Every route the Fastify instance serves, as "METHOD /path" (HEAD routes Fastify adds for GET
 * routes left out), read from `printRoutes()`.
 */
export function routeTable(app: RunningServer['app']): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([^)]*)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes.sort();
}
