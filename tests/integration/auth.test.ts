/**
 * Authentication against a real server: logging in and failing to, the wrong-password limiter,
 * refresh-token rotation, logout and account disabling taking effect at once (HTTP and signaling),
 * and password hashes that are scrypt and never leave the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { PASSWORD, TestApi } from '../support/api-client';
import { expectApiError, member, raw, signIn, type Member } from '../support/http';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer, TEST_ADMIN_PASSWORD } from '../support/test-server';

let server: RunningServer;
let admin: TestApi;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const login = (body: unknown, headers: Record<string, string> = {}) =>
  raw(server.url, 'POST', '/api/auth/login', { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

/** name=value pairs of the Set-Cookie headers, with their attributes. */
function cookies(res: { headers: Headers }): Map<string, { value: string; attributes: string }> {
  const out = new Map<string, { value: string; attributes: string }>();
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const i = pair!.indexOf('=');
    out.set(pair!.slice(0, i).trim(), { value: pair!.slice(i + 1).trim(), attributes: attrs.join(';').trim() });
  }
  return out;
}

const me = (token: string | null, cookie?: string) => raw(server.url, 'GET', '/api/auth/me', { token, ...(cookie ? { headers: { cookie } } : {}) });

describe('login', () => {
  it('answers the account and an access token, and sets HttpOnly SameSite cookies (web)', async () => {
    const person = await member(server, admin, 'delegate', 'Đại biểu Ngô Văn Vào');
    const res = await login({ username: person.username, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.account).toEqual(person.account);
    expect(typeof res.body.accessToken).toBe('string');
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(res.body.refreshToken).toBeUndefined();
    const set = cookies(res);
    expect(set.get('ph_access')!.value).toBe(res.body.accessToken);
    expect(set.get('ph_access')!.attributes).toMatch(/HttpOnly/i);
    expect(set.get('ph_access')!.attributes).toMatch(/SameSite=Strict/i);
    expect(set.get('ph_refresh')!.attributes).toMatch(/Path=\/api\/auth/);
    expect(set.get('ph_refresh')!.attributes).toMatch(/HttpOnly/i);
    // Both ways of presenting the token work.
    expect((await me(res.body.accessToken)).body.id).toBe(person.id);
    expect((await me(null, `ph_access=${set.get('ph_access')!.value}`)).body.id).toBe(person.id);
  });

  it('gives the desktop app its refresh token in the body; usernames are case-insensitive', async () => {
    const res = await login({ username: 'ADMIN', password: TEST_ADMIN_PASSWORD, client: 'desktop' });
    expect(res.status).toBe(200);
    expect(res.body.account.username).toBe('admin');
    expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it('refuses a wrong password and an unknown user alike, with 401 and the error shape', async () => {
    const person = await member(server, admin, 'delegate', 'Đại biểu Sai Mật Khẩu');
    const wrong = await login({ username: person.username, password: 'Khong-dung-mat-khau' });
    // The unknown username from another address: a success clears only its own username's failures,
    // and this one must not count against 127.0.0.1 in the limiter test below.
    const unknown = await server.auth.login('khong.co.ai', 'Khong-dung-mat-khau', '10.0.0.50').catch((e: unknown) => e);
    expectApiError(wrong, 401, 'unauthorized');
    expect(unknown).toMatchObject({ code: 'unauthorized', message: wrong.body.message });
    expect(cookies(wrong).size).toBe(0);
    // A success clears that username's failures from that address (the limiter is tested below).
    expect((await login({ username: person.username, password: PASSWORD })).status).toBe(200);
  });
});

describe('refresh', () => {
  it('rotates the refresh token: each one works once', async () => {
    const person = await member(server, admin, 'secretary', 'Thư ký Làm Mới');
    const first = await login({ username: person.username, password: PASSWORD, client: 'desktop' });
    const r1 = first.body.refreshToken as string;
    const second = await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: r1 }), headers: { 'content-type': 'application/json' } });
    expect(second.status).toBe(200);
    const r2 = second.body.refreshToken as string;
    expect(r2).toBeDefined();
    expect(r2).not.toBe(r1);
    expect((await me(second.body.accessToken)).body.id).toBe(person.id);

    // r1 again at once (as a second tab would): an access token, but no new refresh token (grace window).
    const again = await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: r1 }), headers: { 'content-type': 'application/json' } });
    expect(again.status).toBe(200);
    expect(again.body.refreshToken).toBeUndefined();
    const third = await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: r2 }), headers: { 'content-type': 'application/json' } });
    expect(third.status).toBe(200);
    expect(third.body.refreshToken).not.toBe(r2);
    // r1 is now two rotations old: a replay, which ends the whole session (tests/integration/auth-sessions.test.ts).
    const reuse = await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: r1 }), headers: { 'content-type': 'application/json' } });
    expectApiError(reuse, 401, 'unauthorized');
    expectApiError(await me(third.body.accessToken), 401, 'unauthorized');
  });

  it('rotates the refresh cookie of a browser the same way', async () => {
    const person = await member(server, admin, 'chair', 'Chủ tọa Cookie');
    const first = await login({ username: person.username, password: PASSWORD });
    const c1 = cookies(first).get('ph_refresh')!.value;
    const second = await raw(server.url, 'POST', '/api/auth/refresh', { headers: { cookie: `ph_refresh=${c1}` } });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.refreshToken).toBeUndefined();
    const c2 = cookies(second).get('ph_refresh')!.value;
    expect(c2).not.toBe(c1);
    expect(cookies(second).get('ph_access')!.value).toBe(second.body.accessToken);
    // Another tab sending the old cookie at the same moment gets an access cookie and keeps the new refresh cookie.
    const otherTab = await raw(server.url, 'POST', '/api/auth/refresh', { headers: { cookie: `ph_refresh=${c1}` } });
    expect(otherTab.status).toBe(200);
    expect(cookies(otherTab).get('ph_access')!.value).toBe(otherTab.body.accessToken);
    expect(cookies(otherTab).has('ph_refresh')).toBe(false);
    expect((await raw(server.url, 'POST', '/api/auth/refresh', { headers: { cookie: `ph_refresh=${c2}` } })).status).toBe(200);
    expectApiError(await raw(server.url, 'POST', '/api/auth/refresh'), 401, 'unauthorized');
  });
});

describe('logout', () => {
  it('revokes the access and refresh tokens of that session at once, and only that session', async () => {
    const person = await member(server, admin, 'delegate', 'Đại biểu Ra Về');
    const session = await login({ username: person.username, password: PASSWORD, client: 'desktop' });
    const token = session.body.accessToken as string;
    expect((await me(token)).status).toBe(200);
    const out = await raw(server.url, 'POST', '/api/auth/logout', { token });
    expect(out.status).toBe(204);
    const cleared = cookies(out);
    expect(cleared.get('ph_access')!.value).toBe('');
    expect(cleared.get('ph_refresh')!.value).toBe('');

    expectApiError(await me(token), 401, 'unauthorized');
    expectApiError(await raw(server.url, 'POST', '/api/auth/logout', { token }), 401, 'unauthorized');
    expectApiError(
      await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: session.body.refreshToken }), headers: { 'content-type': 'application/json' } }),
      401,
      'unauthorized',
    );
    await expect(TestSignalingClient.connect(server.url, token)).rejects.toThrow(/401/);
    // The person's other session goes on.
    expect((await person.api.call('GET', '/api/auth/me')).status).toBe(200);
  });
});

describe('logout and signaling', () => {
  it('closes the signaling connection of the session that logs out, and only that one', async () => {
    const person = await member(server, admin, 'delegate', 'Đại biểu Đăng Xuất');
    const other = await signIn(server, person.username);
    const mine = await TestSignalingClient.connect(server.url, person.token);
    const theirs = await TestSignalingClient.connect(server.url, other.token!);
    try {
      const closed = new Promise<number>((resolve) => mine.ws.once('close', (code) => resolve(code)));
      expect((await raw(server.url, 'POST', '/api/auth/logout', { token: person.token })).status).toBe(204);
      const code = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open after 3 s'), 3000))]);
      expect(code).toBe(4003);
      expect(theirs.ws.readyState).toBe(theirs.ws.OPEN);
    } finally {
      mine.close();
      theirs.close();
    }
  });
});

describe('an account that is disabled or has its password reset', () => {
  async function signedInTwice(role: 'delegate' | 'operator', name: string) {
    const person = await member(server, admin, role, name);
    const second = await signIn(server, person.username);
    const socket = await TestSignalingClient.connect(server.url, person.token);
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    return { person, second, socket, closed };
  }

  it('disabling ends every session and closes its signaling connection at once', async () => {
    const { person, second, closed } = await signedInTwice('delegate', 'Đại biểu Bị Khóa');
    const res = await admin.call('PATCH', `/api/accounts/${person.id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    expect(await closed).toBe(4003);
    expectApiError(await me(person.token), 401, 'unauthorized');
    expectApiError(await me(second.token), 401, 'unauthorized');
    expectApiError(await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: second.refreshToken }), headers: { 'content-type': 'application/json' } }), 401);
    await expect(TestSignalingClient.connect(server.url, second.token!)).rejects.toThrow(/401/);
    expectApiError(await login({ username: person.username, password: PASSWORD }), 401, 'unauthorized');

    // Enabled again, the account logs in anew; the old sessions stay ended.
    await admin.ok('PATCH', `/api/accounts/${person.id}`, { disabled: false });
    expect((await login({ username: person.username, password: PASSWORD })).status).toBe(200);
    expectApiError(await me(person.token), 401, 'unauthorized');
  });

  it('a password reset ends the sessions too; the new password works, the old does not', async () => {
    const { person, second, closed } = await signedInTwice('operator', 'Kỹ thuật Đổi Mật Khẩu');
    await admin.ok('PATCH', `/api/accounts/${person.id}`, { password: 'Mat-khau-moi-2025' });
    expect(await closed).toBe(4003);
    expectApiError(await me(second.token), 401, 'unauthorized');
    expectApiError(await login({ username: person.username, password: PASSWORD }), 401, 'unauthorized');
    expect((await login({ username: person.username, password: 'Mat-khau-moi-2025' })).status).toBe(200);
  });

  it('a changed role applies to the next request of an existing session', async () => {
    const person = await member(server, admin, 'secretary', 'Thư ký Bị Đổi Vai');
    expect((await person.api.call('GET', '/api/accounts')).status).toBe(200);
    await admin.ok('PATCH', `/api/accounts/${person.id}`, { role: 'delegate' });
    expectApiError(await person.api.call('GET', '/api/accounts'), 403, 'forbidden');
  });
});

describe('password hashes', () => {
  it('are scrypt with a salt of their own, and never appear in any answer or in the audit log', async () => {
    const a = await member(server, admin, 'guest', 'Khách Một');
    const b = await member(server, admin, 'guest', 'Khách Hai');
    await admin.ok('PATCH', `/api/accounts/${b.id}`, { password: 'Mat-khau-khac-3' });
    const rows = await server.store.db.selectFrom('accounts').select(['id', 'password_hash']).execute();
    for (const r of rows) expect(r.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    const hashOf = (id: string) => rows.find((r) => r.id === id)!.password_hash;
    expect(hashOf(a.id).split('$')[4]).not.toBe(hashOf(b.id).split('$')[4]);

    // Everything an admin (who sees the most) can read, and what a login or refresh answers.
    const session = await login({ username: a.username, password: PASSWORD, client: 'desktop' });
    const refreshed = await raw(server.url, 'POST', '/api/auth/refresh', { body: JSON.stringify({ refreshToken: session.body.refreshToken }), headers: { 'content-type': 'application/json' } });
    const answers = [
      session.text,
      refreshed.text,
      (await raw(server.url, 'GET', '/api/auth/me', { token: a.token })).text,
      (await raw(server.url, 'GET', '/api/accounts', { token: admin.token })).text,
      (await raw(server.url, 'GET', '/api/audit?limit=1000', { token: admin.token })).text,
      (await raw(server.url, 'PATCH', `/api/accounts/${a.id}`, { token: admin.token, body: JSON.stringify({ title: 'Khách mời' }), headers: { 'content-type': 'application/json' } })).text,
      (await raw(server.url, 'GET', '/api/openapi.json')).text,
    ];
    for (const text of answers) {
      expect(text).not.toContain('scrypt$');
      expect(text).not.toMatch(/password_?hash/i);
      for (const r of rows) expect(text).not.toContain(r.password_hash.split('$')[5]);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('Mat-khau-khac-3');
    }
    const audit = await server.store.db.selectFrom('audit_log').select('details').execute();
    expect(JSON.stringify(audit)).not.toMatch(/Mat-khau|scrypt\$/);
  });
});

// Last: five failures block the address (127.0.0.1) for five minutes, for every username.
describe('wrong-password limiter', () => {
  let victim: Member;
  beforeAll(async () => {
    victim = await member(server, admin, 'delegate', 'Đại biểu Bị Dò Mật Khẩu');
  });

  it('after 5 failures answers 429 with Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expectApiError(await login({ username: victim.username, password: `Sai-mat-khau-${i}` }), 401, 'unauthorized');
    const blocked = await login({ username: victim.username, password: PASSWORD });
    expectApiError(blocked, 429, 'rate_limited');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    expect(blocked.body.details).toEqual({ retryAfterSeconds: retryAfter });
    expect(cookies(blocked).size).toBe(0);
    // The block is per username too: from another address the victim is still refused…
    await expect(server.auth.login(victim.username, PASSWORD, '10.0.0.99')).rejects.toMatchObject({ code: 'rate_limited' });
    // …while someone else from another address logs in, and existing sessions go on.
    await expect(server.auth.login('admin', TEST_ADMIN_PASSWORD, '10.0.0.99')).resolves.toMatchObject({ account: { username: 'admin' } });
    expect((await victim.api.call('GET', '/api/auth/me')).status).toBe(200);
    // Blocked attempts are not even checked (no audit row for them), and nothing else was written.
    const failed = await server.store.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login_failed').where('target_id', '=', victim.id).execute();
    expect(failed).toHaveLength(5);
  });
});
