/**
 * Bad input over HTTP, against a real server: missing fields, wrong types, dates in the past, end
 * before start, oversized strings and bodies, unknown ids, malformed JSON, unknown extra keys.
 * Each is a clear 4xx in the one error shape `{ code, messageKey, message, details? }`, and
 * nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { PASSWORD, TestApi } from '../support/api-client';
import { expectApiError, member, raw, type Member } from '../support/http';
import { snapshot } from '../support/stores';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let admin: TestApi;
let secretary: Member;
let chair: Member;
let delegate: Member;
let unitId: string;
let pointId: string;
let meetingId: string;
let liveId: string;

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const unknown = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  secretary = await member(server, admin, 'secretary', 'Thư ký Kiểm Tra');
  chair = await member(server, admin, 'chair', 'Chủ tọa Kiểm Tra');
  delegate = await member(server, admin, 'delegate', 'Đại biểu Kiểm Tra');
  unitId = (await admin.ok('POST', '/api/units', { name: 'Tỉnh Lạng Sơn', level: 'province' })).id;
  pointId = (await admin.ok('POST', '/api/bridge-points', { unitId, name: 'Điểm cầu tỉnh', headcount: 50 })).id;
  const meeting = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp kiểm tra', description: 'Mô tả', startsAt: hours(2), endsAt: hours(4), chairId: chair.id, secretaryId: secretary.id });
  meetingId = meeting.id;
  await secretary.api.ok('PUT', `/api/meetings/${meetingId}/agenda`, { items: [{ title: 'Khai mạc', durationMinutes: 10 }] });
  await secretary.api.ok('PUT', `/api/meetings/${meetingId}/invitations`, { pointIds: [pointId], delegateIds: [delegate.id] });
  const live = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp đang diễn ra', startsAt: hours(1), endsAt: hours(2), chairId: chair.id, secretaryId: secretary.id });
  liveId = live.id;
  await secretary.api.ok('POST', `/api/meetings/${liveId}/transition`, { to: 'published' });
  await secretary.api.ok('POST', `/api/meetings/${liveId}/transition`, { to: 'live' });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

interface BadCase {
  /** Who calls (default: the admin, who may do most). */
  as?: () => TestApi;
  method: string;
  path: () => string;
  /** An object is sent as JSON; a string is sent as is (with the JSON content type unless `type` says otherwise). */
  body?: () => unknown;
  type?: string;
  status: number;
  code: string;
  /** Something the message or details must say, to be a *clear* error. */
  says?: RegExp;
}

const meetingBody = (over: Record<string, unknown> = {}) => ({ title: 'Họp mới', startsAt: hours(3), endsAt: hours(5), chairId: chair.id, secretaryId: secretary.id, ...over });

const CASES: Record<string, BadCase> = {
  // ---- malformed bodies ----------------------------------------------------------------
  'malformed JSON': { method: 'POST', path: () => '/api/units', body: () => ('{"name": "Xã'), status: 400, code: 'bad_request', says: /JSON/i },
  'JSON null as the body': { method: 'POST', path: () => '/api/units', body: () => ('null'), status: 400, code: 'bad_request' },
  'a JSON array as the body': { method: 'POST', path: () => '/api/units', body: () => ('[{"name":"Xã","level":"commune"}]'), status: 400, code: 'bad_request' },
  'a JSON string as the body': { method: 'POST', path: () => '/api/units', body: () => ('"Xã"'), status: 400, code: 'bad_request' },
  'an empty body with a JSON content type': { method: 'POST', path: () => '/api/units', body: () => (''), status: 400, code: 'bad_request' },
  'a body that is not JSON': { method: 'POST', path: () => '/api/units', body: () => 'name=Xã&level=commune', type: 'application/x-www-form-urlencoded', status: 415, code: 'bad_request' },
  'an oversized body (2 MiB)': { method: 'POST', path: () => '/api/units', body: () => (JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), level: 'commune' })), status: 413, code: 'too_large' },

  // ---- missing fields, wrong types, unknown keys ----------------------------------------
  'unit: missing name and level': { method: 'POST', path: () => '/api/units', body: () => ({}), status: 400, code: 'bad_request', says: /name|level/ },
  'unit: name is a number': { method: 'POST', path: () => '/api/units', body: () => ({ name: 123, level: 'commune' }), status: 400, code: 'bad_request', says: /name/ },
  'unit: blank name': { method: 'POST', path: () => '/api/units', body: () => ({ name: '   ', level: 'commune' }), status: 400, code: 'bad_request' },
  'unit: control characters': { method: 'POST', path: () => '/api/units', body: () => ({ name: 'Xã\u0000Ba', level: 'commune' }), status: 400, code: 'bad_request' },
  'unit: oversized name': { method: 'POST', path: () => '/api/units', body: () => ({ name: 'x'.repeat(201), level: 'commune' }), status: 400, code: 'bad_request' },
  'unit: unknown level': { method: 'POST', path: () => '/api/units', body: () => ({ name: 'Thôn', level: 'village' }), status: 400, code: 'bad_request', says: /level/ },
  'unit: unknown extra key': { method: 'POST', path: () => '/api/units', body: () => ({ name: 'Xã', level: 'commune', id: unknown }), status: 400, code: 'bad_request', says: /id|unrecognized/i },
  'unit: parent is not a uuid': { method: 'POST', path: () => '/api/units', body: () => ({ name: 'Xã', level: 'commune', parentId: 'tinh-lang-son' }), status: 400, code: 'bad_request' },
  'unit: unknown parent': { method: 'POST', path: () => '/api/units', body: () => ({ name: 'Xã', level: 'commune', parentId: unknown }), status: 404, code: 'not_found', says: /unit/ },
  'unit: patch an unknown unit': { method: 'PATCH', path: () => `/api/units/${unknown}`, body: () => ({ name: 'Mới' }), status: 404, code: 'not_found' },
  'unit: patch with an extra key': { method: 'PATCH', path: () => `/api/units/${unitId}`, body: () => ({ name: 'Mới', createdAt: 'now' }), status: 400, code: 'bad_request' },
  'unit: move inside itself': { method: 'PATCH', path: () => `/api/units/${unitId}`, body: () => ({ parentId: unitId }), status: 409, code: 'conflict' },
  'unit: delete one that has a bridge point': { method: 'DELETE', path: () => `/api/units/${unitId}`, status: 409, code: 'conflict' },
  'unit: delete with a malformed id': { method: 'DELETE', path: () => '/api/units/123', status: 400, code: 'bad_request' },

  'point: headcount as a string': { method: 'POST', path: () => '/api/bridge-points', body: () => ({ unitId: unitId, name: 'Điểm', headcount: '25' }), status: 400, code: 'bad_request', says: /headcount/ },
  'point: headcount 0': { method: 'POST', path: () => '/api/bridge-points', body: () => ({ unitId: unitId, name: 'Điểm', headcount: 0 }), status: 400, code: 'bad_request' },
  'point: headcount 2.5': { method: 'POST', path: () => '/api/bridge-points', body: () => ({ unitId: unitId, name: 'Điểm', headcount: 2.5 }), status: 400, code: 'bad_request' },
  'point: headcount too big': { method: 'POST', path: () => '/api/bridge-points', body: () => ({ unitId: unitId, name: 'Điểm', headcount: 10_001 }), status: 400, code: 'bad_request' },
  'point: missing unit': { method: 'POST', path: () => '/api/bridge-points', body: () => ({ name: 'Điểm', headcount: 5 }), status: 400, code: 'bad_request', says: /unitId/ },
  'point: unknown unit': { method: 'POST', path: () => '/api/bridge-points', body: () => ({ unitId: unknown, name: 'Điểm', headcount: 5 }), status: 404, code: 'not_found' },
  'point: delete an unknown one': { method: 'DELETE', path: () => `/api/bridge-points/${unknown}`, status: 404, code: 'not_found' },
  'point: delete an invited one': { method: 'DELETE', path: () => `/api/bridge-points/${pointId}`, status: 409, code: 'conflict' },

  'account: username with spaces and capitals': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'Lê Văn Em', displayName: 'Lê Văn Em', role: 'delegate', password: PASSWORD }), status: 400, code: 'bad_request', says: /username/ },
  'account: short password': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'le.van.em', displayName: 'Lê Văn Em', role: 'delegate', password: 'ngan' }), status: 400, code: 'bad_request', says: /password/ },
  'account: missing password': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'le.van.em', displayName: 'Lê Văn Em', role: 'delegate' }), status: 400, code: 'bad_request', says: /password/ },
  'account: unknown role': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'le.van.em', displayName: 'Lê Văn Em', role: 'superuser', password: PASSWORD }), status: 400, code: 'bad_request', says: /role/ },
  'account: oversized display name': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'le.van.em', displayName: 'x'.repeat(121), role: 'delegate', password: PASSWORD }), status: 400, code: 'bad_request' },
  'account: password hash smuggled in': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'le.van.em', displayName: 'Em', role: 'admin', password: PASSWORD, passwordHash: 'scrypt$1$1$1$a$b' }), status: 400, code: 'bad_request' },
  'account: operator without a bridge point': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: 'ky.thuat', displayName: 'Kỹ thuật', role: 'operator', password: PASSWORD }), status: 400, code: 'bad_request', says: /bridge point/ },
  'account: duplicate username': { method: 'POST', path: () => '/api/accounts', body: () => ({ username: secretary.username, displayName: 'Trùng', role: 'delegate', password: PASSWORD }), status: 409, code: 'conflict' },
  'account: disabled is not a boolean': { method: 'PATCH', path: () => `/api/accounts/${delegate.id}`, body: () => ({ disabled: 'yes' }), status: 400, code: 'bad_request' },
  'account: patch an unknown account': { method: 'PATCH', path: () => `/api/accounts/${unknown}`, body: () => ({ title: 'Mới' }), status: 404, code: 'not_found' },
  'account: the admin disables itself': { method: 'PATCH', path: () => `/api/accounts/${adminId}`, body: () => ({ disabled: true }), status: 409, code: 'conflict' },

  // ---- meetings -------------------------------------------------------------------------
  'meeting: missing title': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ title: undefined })), status: 400, code: 'bad_request', says: /title/ },
  'meeting: starts in the past': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ startsAt: hours(-3), endsAt: hours(-1) })), status: 400, code: 'bad_request', says: /past/ },
  'meeting: ends before it starts': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ startsAt: hours(5), endsAt: hours(3) })), status: 400, code: 'bad_request', says: /end/ },
  'meeting: ends when it starts': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => { const at = hours(5); return meetingBody({ startsAt: at, endsAt: at }); }, status: 400, code: 'bad_request' },
  'meeting: lasts more than 7 days': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ endsAt: hours(3 + 8 * 24) })), status: 400, code: 'bad_request', says: /7 days/ },
  'meeting: a time without an offset': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ startsAt: '2030-12-01 08:00' })), status: 400, code: 'bad_request', says: /startsAt/ },
  'meeting: a date that does not exist': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ startsAt: '2030-02-30T08:00:00+07:00', endsAt: '2030-03-01T08:00:00+07:00' })), status: 400, code: 'bad_request' },
  'meeting: oversized title': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ title: 'x'.repeat(301) })), status: 400, code: 'bad_request' },
  'meeting: oversized description': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ description: 'x'.repeat(5001) })), status: 400, code: 'bad_request' },
  'meeting: an unknown chair': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ chairId: unknown })), status: 400, code: 'bad_request', says: /chair/ },
  'meeting: a delegate as chair': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ chairId: delegate.id })), status: 400, code: 'bad_request', says: /chair/ },
  'meeting: a chair as secretary': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ secretaryId: chair.id })), status: 400, code: 'bad_request', says: /secretary/ },
  'meeting: status set by the client': { as: () => secretary.api, method: 'POST', path: () => '/api/meetings', body: () => (meetingBody({ status: 'live' })), status: 400, code: 'bad_request' },
  'meeting: malformed id': { method: 'GET', path: () => '/api/meetings/42', status: 400, code: 'bad_request' },
  'meeting: unknown id': { method: 'GET', path: () => `/api/meetings/${unknown}`, status: 404, code: 'not_found' },
  'meeting: patch ends before it starts': { as: () => secretary.api, method: 'PATCH', path: () => `/api/meetings/${meetingId}`, body: () => ({ endsAt: hours(1) }), status: 400, code: 'bad_request' },
  'meeting: patch moves it into the past': { as: () => secretary.api, method: 'PATCH', path: () => `/api/meetings/${meetingId}`, body: () => ({ startsAt: hours(-5) }), status: 400, code: 'bad_request', says: /past/ },
  'meeting: patch the status': { as: () => secretary.api, method: 'PATCH', path: () => `/api/meetings/${meetingId}`, body: () => ({ status: 'ended' }), status: 400, code: 'bad_request' },
  'meeting: patch an unknown one': { as: () => secretary.api, method: 'PATCH', path: () => `/api/meetings/${unknown}`, body: () => ({ title: 'x' }), status: 404, code: 'not_found' },
  'meeting: edit a live one': { as: () => secretary.api, method: 'PATCH', path: () => `/api/meetings/${liveId}`, body: () => ({ title: 'Muộn' }), status: 403, code: 'forbidden' },

  'agenda: missing items': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/agenda`, body: () => ({}), status: 400, code: 'bad_request', says: /items/ },
  'agenda: a zero-minute item': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/agenda`, body: () => ({ items: [{ title: 'Khai mạc', durationMinutes: 0 }] }), status: 400, code: 'bad_request' },
  'agenda: an item without a title': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/agenda`, body: () => ({ items: [{ durationMinutes: 5 }] }), status: 400, code: 'bad_request' },
  'agenda: 101 items': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/agenda`, body: () => ({ items: Array.from({ length: 101 }, (_, i) => ({ title: `Mục ${i}`, durationMinutes: 1 })) }), status: 400, code: 'bad_request' },
  'agenda: an item with an extra key': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/agenda`, body: () => ({ items: [{ title: 'Khai mạc', durationMinutes: 5, position: 7 }] }), status: 400, code: 'bad_request' },

  'invitations: one unknown bridge point': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/invitations`, body: () => ({ pointIds: [pointId, unknown] }), status: 400, code: 'bad_request', says: /bridge point/ },
  'invitations: one unknown delegate': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/invitations`, body: () => ({ delegateIds: [delegate.id, unknown] }), status: 400, code: 'bad_request', says: /account/ },
  'invitations: one unknown unit': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/invitations`, body: () => ({ unitIds: [unitId, unknown] }), status: 400, code: 'bad_request', says: new RegExp(unknown) },
  'invitations: a malformed id': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/invitations`, body: () => ({ pointIds: ['diem-cau-1'] }), status: 400, code: 'bad_request' },
  'invitations: an unknown level': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/invitations`, body: () => ({ unitIds: [unitId], levels: ['village'] }), status: 400, code: 'bad_request' },
  'invitations: ids as a string': { as: () => secretary.api, method: 'PUT', path: () => `/api/meetings/${meetingId}/invitations`, body: () => ({ delegateIds: delegate.id }), status: 400, code: 'bad_request' },

  'transition: back to draft': { as: () => secretary.api, method: 'POST', path: () => `/api/meetings/${meetingId}/transition`, body: () => ({ to: 'draft' }), status: 400, code: 'bad_request' },
  'transition: an unknown status': { as: () => secretary.api, method: 'POST', path: () => `/api/meetings/${meetingId}/transition`, body: () => ({ to: 'postponed' }), status: 400, code: 'bad_request' },
  'transition: missing target': { as: () => secretary.api, method: 'POST', path: () => `/api/meetings/${meetingId}/transition`, body: () => ({}), status: 400, code: 'bad_request' },
  'transition: draft straight to live': { as: () => secretary.api, method: 'POST', path: () => `/api/meetings/${meetingId}/transition`, body: () => ({ to: 'live' }), status: 409, code: 'invalid_transition', says: /draft/ },
  'transition: live to cancelled': { as: () => secretary.api, method: 'POST', path: () => `/api/meetings/${liveId}/transition`, body: () => ({ to: 'cancelled' }), status: 409, code: 'invalid_transition' },

  // ---- queries, auth, unknown routes ----------------------------------------------------
  'audit: limit 0': { method: 'GET', path: () => '/api/audit?limit=0', status: 400, code: 'bad_request' },
  'audit: limit is not a number': { method: 'GET', path: () => '/api/audit?limit=many', status: 400, code: 'bad_request' },
  'audit: unknown query key': { method: 'GET', path: () => '/api/audit?actorId=x', status: 400, code: 'bad_request' },
  'audit: oversized filter': { method: 'GET', path: () => `/api/audit?targetType=${'x'.repeat(65)}`, status: 400, code: 'bad_request' },
  'login: missing password': { as: () => new TestApi(server.url), method: 'POST', path: () => '/api/auth/login', body: () => ({ username: 'admin' }), status: 400, code: 'bad_request', says: /password/ },
  'login: an unknown client kind': { as: () => new TestApi(server.url), method: 'POST', path: () => '/api/auth/login', body: () => ({ username: 'admin', password: 'x', client: 'mobile' }), status: 400, code: 'bad_request' },
  'login: oversized username': { as: () => new TestApi(server.url), method: 'POST', path: () => '/api/auth/login', body: () => ({ username: 'x'.repeat(65), password: 'x' }), status: 400, code: 'bad_request' },
  'refresh: a token too short to be one': { as: () => new TestApi(server.url), method: 'POST', path: () => '/api/auth/refresh', body: () => ({ refreshToken: 'abc' }), status: 400, code: 'bad_request' },
  'an unknown route': { method: 'GET', path: () => '/api/khong-co', status: 404, code: 'not_found' },
  'an unknown method on a known path': { method: 'PUT', path: () => '/api/units', body: () => ({}), status: 404, code: 'not_found' },
};

let adminId = '';

describe('bad input over HTTP', () => {
  beforeAll(async () => {
    adminId = (await admin.ok('GET', '/api/auth/me')).id;
  });

  it.each(Object.keys(CASES))('%s', async (name) => {
    const c = CASES[name]!;
    const api = c.as?.() ?? admin;
    const before = await snapshot(server.store.db);
    const meetingBefore = await admin.ok('GET', `/api/meetings/${meetingId}`);
    const given = c.body?.();
    const body = given === undefined ? undefined : typeof given === 'string' ? given : JSON.stringify(given);
    const res = await raw(server.url, c.method, c.path(), {
      token: api.token,
      ...(body !== undefined ? { body, headers: { 'content-type': c.type ?? 'application/json' } } : {}),
    });
    expectApiError(res, c.status, c.code);
    if (c.says) expect(`${res.body.message} ${JSON.stringify(res.body.details ?? '')}`).toMatch(c.says);
    expect(await snapshot(server.store.db)).toEqual(before);
    expect(await admin.ok('GET', `/api/meetings/${meetingId}`)).toEqual(meetingBefore);
  });

  it('validation errors list every problem with its path', async () => {
    const res = await secretary.api.call('POST', '/api/meetings', { title: '', startsAt: 'tomorrow', chairId: 7, extra: true });
    expectApiError(res, 400, 'bad_request');
    const details = res.body.details as { instancePath?: string; message: string }[];
    expect(Array.isArray(details)).toBe(true);
    const text = JSON.stringify(details);
    for (const field of ['title', 'startsAt', 'endsAt', 'chairId', 'secretaryId']) expect(text).toContain(field);
  });

  it('keeps serving after all of the above', async () => {
    expect((await raw(server.url, 'GET', '/api/health')).status).toBe(200);
    expect((await secretary.api.call('GET', '/api/meetings')).status).toBe(200);
  });
});
