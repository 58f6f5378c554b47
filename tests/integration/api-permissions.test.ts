/**
 * The permission policy, route by route and role by role, against a real server: every HTTP route
 * and the signaling `join`, called by every role and by an unauthenticated caller. Allowed calls
 * succeed; refused ones answer 401 / 403 / 404 (or the join error) and change nothing in the store.
 * The table below IS the policy (sfu-server/src/auth/policy.ts + MeetingsService.authorize).
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgendaBody, InvitationsBody, MeetingBody } from '../../common/api/requests';
import type { MeetingStatus } from '../../common/api/model';
import type { RunningServer } from '../../sfu-server/src/server';
import { PASSWORD, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { member, routeTable, type Member } from '../support/http';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { TestSignalingClient } from '../support/signaling-test-client';
import { makeSamplePdf } from '../support/sample-pdf';
import { snapshot } from '../support/stores';
import { deviceFinishBody } from '../support/device-signer';
import { makeSigner, makeTestCa, type TestCa, type TestSigner } from '../support/test-ca';
import { startTestServer, TEST_ADMIN_PASSWORD } from '../support/test-server';

/**
 * The callers. For a meeting M prepared by `secretary` (M's secretary) with `chair` (M's chair):
 *   delegate, guest, observer  are invited to M as delegates;
 *   operator                   operates a bridge point M invites;
 *   outsider                   is a delegate M does not invite;
 *   secretary2                 is a secretary who does not organise M;
 *   anonymous                  has no session.
 */
const WHO = ['admin', 'secretary', 'chair', 'delegate', 'guest', 'operator', 'observer', 'outsider', 'secretary2', 'anonymous'] as const;
type Who = (typeof WHO)[number];

/** An HTTP status, or for `join` the signaling answer: ok, NI = not_invited, NL = meeting_not_live (401: upgrade refused). */
type Outcome = number | 'ok' | 'not_invited' | 'meeting_not_live';
const ok = 'ok';
const NI = 'not_invited';
const NL = 'meeting_not_live';

// prettier-ignore
const POLICY = {
  //                                                       admin secr. chair deleg guest oper. obs.  outs. sec.2 anon
  'GET /api/health':                                      [200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'GET /api/openapi.json':                                [200,  200,  200,  200,  200,  200,  200,  200,  200,  200],

  'POST /api/auth/login':                                 [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],
  'POST /api/auth/refresh':                               [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],
  'POST /api/auth/logout':                                [204,  204,  204,  204,  204,  204,  204,  204,  204,  401],
  'GET /api/auth/me':                                     [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],

  'GET /api/units':                                       [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],
  'POST /api/units':                                      [201,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'PATCH /api/units/:id':                                 [200,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'DELETE /api/units/:id':                                [204,  403,  403,  403,  403,  403,  403,  403,  403,  401],

  'GET /api/bridge-points':                               [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],
  'POST /api/bridge-points':                              [201,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'PATCH /api/bridge-points/:id':                         [200,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'DELETE /api/bridge-points/:id':                        [204,  403,  403,  403,  403,  403,  403,  403,  403,  401],

  'GET /api/accounts':                                    [200,  200,  403,  403,  403,  403,  403,  403,  200,  401],
  'POST /api/accounts':                                   [201,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'PATCH /api/accounts/:id':                              [200,  403,  403,  403,  403,  403,  403,  403,  403,  401],

  'GET /api/audit':                                       [200,  403,  403,  403,  403,  403,  403,  403,  403,  401],

  'GET /api/meetings':                                    [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],
  'POST /api/meetings':                                   [201,  201,  403,  403,  403,  403,  403,  403,  201,  401],
  'GET /api/meetings/:id · draft':                        [200,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'GET /api/meetings/:id · published':                    [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'PATCH /api/meetings/:id · draft':                      [200,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'PATCH /api/meetings/:id · published':                  [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'PATCH /api/meetings/:id · live':                       [403,  403,  403,  403,  403,  403,  403,  404,  404,  401],
  'PUT /api/meetings/:id/agenda · published':             [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'PUT /api/meetings/:id/invitations · published':        [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/meetings/:id/transition · draft→published':  [200,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'POST /api/meetings/:id/transition · published→live':   [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/meetings/:id/transition · live→ended':       [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'GET /api/meetings/:id/invitation.ics · draft':         [200,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'GET /api/meetings/:id/invitation.ics · published':     [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],

  'GET /api/meetings/:id/documents · pack not published': [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'POST /api/meetings/:id/documents':                     [201,  201,  201,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/meetings/:id/documents/publish':             [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'PUT /api/meetings/:id/documents/settings':             [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'PATCH /api/documents/:id · pack not published':        [200,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'PATCH /api/documents/:id · pack published':            [200,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'DELETE /api/documents/:id':                            [204,  204,  204,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/documents/:id/versions':                     [201,  201,  201,  403,  403,  403,  403,  404,  404,  401],
  'GET /api/documents/:id/versions/:versionId/file · pack not published': [200, 200, 200, 404, 404, 404, 404, 404, 404, 401],
  'GET /api/documents/:id/versions/:versionId/file · pack published':     [200, 200, 200, 200, 200, 200, 200, 404, 404, 401],
  'GET /api/meetings/:id/comments':                       [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'POST /api/meetings/:id/comments':                      [201,  201,  201,  201,  201,  201,  201,  404,  404,  401],
  'GET /api/signing/trust-anchors':                       [200,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'POST /api/signing/trust-anchors':                      [201,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'DELETE /api/signing/trust-anchors/:id':                [204,  403,  403,  403,  403,  403,  403,  403,  403,  401],
  'POST /api/signing/verify':                             [200,  200,  200,  200,  200,  200,  200,  200,  200,  401],
  'GET /api/meetings/:id/signed-documents · published':   [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'POST /api/meetings/:id/signed-documents · live':       [201,  201,  201,  403,  403,  403,  403,  404,  404,  401],
  'GET /api/signed-documents/:id':                        [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'GET /api/signed-documents/:id/file':                   [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'GET /api/signed-documents/:id/verification':           [200,  200,  200,  200,  200,  200,  200,  404,  404,  401],
  'POST /api/signed-documents/:id/prepare · ended':       [403,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/signed-documents/:id/finish · ended':        [403,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'GET /api/signed-documents/:id/preparations/:preparationId':      [404,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'GET /api/signed-documents/:id/preparations/:preparationId/file': [404,  200,  200,  404,  404,  404,  404,  404,  404,  401],
  'GET /api/meetings/:id/minutes · draft':                [403,  403,  403,  404,  404,  404,  404,  404,  404,  401],
  'GET /api/meetings/:id/minutes · live':                 [403,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'GET /api/meetings/:id/minutes/preview.pdf · ended':    [403,  200,  200,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/meetings/:id/minutes/pdf · ended':           [403,  201,  201,  403,  403,  403,  403,  404,  404,  401],
  'POST /api/meetings/:id/minutes/pdf · cancelled':       [403,  403,  403,  403,  403,  403,  403,  404,  404,  401],

  'WS join · draft':                                      [NL,   NL,   NL,   NI,   NI,   NI,   NI,   NI,   NI,   401],
  'WS join · published':                                  [NL,   NL,   NL,   NL,   NL,   NL,   NL,   NI,   NI,   401],
  'WS join · live':                                       [ok,   ok,   ok,   ok,   ok,   ok,   ok,   NI,   NI,   401],
  'WS join · ended':                                      [NL,   NL,   NL,   NL,   NL,   NL,   NL,   NI,   NI,   401],
} satisfies Record<string, readonly Outcome[]>;
type Case = keyof typeof POLICY;

let server: RunningServer;
let admin: TestApi;
const people = {} as Record<Exclude<Who, 'admin' | 'anonymous'>, Member>;
let adminId: string;
let seq = 0;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  adminId = (await admin.ok('GET', '/api/auth/me')).id;
  people.secretary = await member(server, admin, 'secretary', 'Thư ký Trần Thị Thư');
  people.chair = await member(server, admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  people.delegate = await member(server, admin, 'delegate', 'Đại biểu Lê Văn Dự');
  people.guest = await member(server, admin, 'guest', 'Khách mời Phạm Thị Khách');
  people.operator = await member(server, admin, 'operator', 'Kỹ thuật Hoàng Văn Cầu');
  people.observer = await member(server, admin, 'observer', 'Quan sát viên Đỗ Thị Xem');
  people.outsider = await member(server, admin, 'delegate', 'Người ngoài Vũ Văn Ngoài');
  people.secretary2 = await member(server, admin, 'secretary', 'Thư ký khác Bùi Thị Khác');
  ca = makeTestCa();
  signers = { chair: makeSigner(ca, 'Nguyễn Văn An'), secretary: makeSigner(ca, 'Trần Thị Bình') };
  samplePdf = await makeSamplePdf();
  await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

let ca: TestCa;
let signers: Record<'chair' | 'secretary', TestSigner>;
let samplePdf: Uint8Array;
const signerOf = (who: Who): 'chair' | 'secretary' => (who === 'secretary' ? 'secretary' : 'chair');

/** A request with a raw body (a PDF, a multipart form). */
const rawHttp = (method: string, path: (t: Record<string, string>) => string, body: (who: Who, t: Record<string, string>) => { body: BodyInit; type?: string }) => async (who: Who, t: Record<string, string>) => {
  const headers: Record<string, string> = {};
  const token = apiOf(who).token;
  if (token) headers['authorization'] = `Bearer ${token}`;
  const b = body(who, t);
  if (b.type) headers['content-type'] = b.type;
  const res = await fetch(server.url + path(t), { method, headers, body: b.body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* a PDF */
  }
  return { outcome: res.status, body: parsed };
};

/** A fresh document to sign in a fresh meeting of that status. */
const freshSignedDocument = (status: MeetingStatus) => async () => {
  const m = await meetingIn(status);
  const doc = await server.signing.create(people.secretary.actor, m, { title: 'Biên bản', fileName: 'bien-ban.pdf' }, samplePdf);
  return { m, doc: doc.id };
};
/** A signer's own preparation is readable by that signer only; anyone else asks for one that is not theirs. */
const preparationCall = (suffix: string): Call => ({
  prepare: async (who) => {
    const t = await freshSignedDocument('ended')();
    if (who !== 'chair' && who !== 'secretary') return { ...t, prep: crypto.randomUUID() };
    const prep = await server.signing.prepare(people[who].actor, t.doc, { certificates: [Buffer.from(signers[who].certDer).toString('base64')], title: '', reason: '', location: '' });
    return { ...t, prep: prep.preparationId };
  },
  run: http('GET', (t) => `/api/signed-documents/${t['doc']}/preparations/${t['prep']}${suffix}`),
  writes: false,
});
const docCall = (suffix: string): Call => ({ prepare: freshSignedDocument('live'), run: http('GET', (t) => `/api/signed-documents/${t['doc']}${suffix}`), writes: false });

const apiOf = (who: Who): TestApi => (who === 'admin' ? admin : who === 'anonymous' ? new TestApi(server.url) : people[who].api);
const usernameOf = (who: Who): string => (who === 'admin' ? 'admin' : who === 'anonymous' ? 'nobody' : people[who].username);
const passwordOf = (who: Who): string => (who === 'admin' ? TEST_ADMIN_PASSWORD : PASSWORD);
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

const PATH_TO: Record<MeetingStatus, MeetingStatus[]> = {
  draft: [],
  published: ['published'],
  live: ['published', 'live'],
  ended: ['published', 'live', 'ended'],
  cancelled: ['cancelled'],
};

/** A fresh meeting M in that status, prepared by `secretary` and `chair`, inviting the invitees. */
async function meetingIn(status: MeetingStatus): Promise<string> {
  const sec = people.secretary.actor;
  const m = await server.meetings.create(sec, MeetingBody.parse({ title: `Họp ${++seq}`, description: 'Nội dung họp', startsAt: hours(1), endsAt: hours(3), chairId: people.chair.id, secretaryId: people.secretary.id }));
  await server.meetings.setAgenda(sec, m.id, AgendaBody.parse({ items: [{ title: 'Khai mạc', durationMinutes: 10 }] }));
  await server.meetings.setInvitations(
    sec,
    m.id,
    InvitationsBody.parse({ pointIds: [people.operator.account.bridgePointId], delegateIds: [people.delegate.id, people.guest.id, people.observer.id] }),
  );
  for (const to of PATH_TO[status]) await server.meetings.transition(sec, m.id, to);
  return m.id;
}

interface Call {
  /** Makes fresh targets for this one call; runs before the "nothing changed" snapshot. */
  prepare?: (who: Who) => Promise<Record<string, string>>;
  run: (who: Who, t: Record<string, string>) => Promise<{ outcome: Outcome; body?: unknown }>;
  /** A successful call changes the store (a refused one never does). */
  writes: boolean;
  /** Further checks after a successful call. */
  after?: (who: Who, t: Record<string, string>, body: unknown) => Promise<void>;
}

const http = (method: string, path: (t: Record<string, string>) => string, body?: (who: Who, t: Record<string, string>) => unknown) => async (who: Who, t: Record<string, string>) => {
  const res = await apiOf(who).call(method, path(t), body?.(who, t));
  return { outcome: res.status, body: res.body };
};

const freshUnit = async () => ({ unit: (await admin.ok('POST', '/api/units', { name: `Đơn vị ${++seq}`, level: 'commune', parentId: null })).id as string });
const freshPoint = async () => {
  const { unit } = await freshUnit();
  return { unit, point: (await admin.ok('POST', '/api/bridge-points', { unitId: unit, name: `Điểm cầu ${seq}`, headcount: 10 })).id as string };
};
const meetingCall = (status: MeetingStatus, method: string, suffix: string, body?: unknown, writes = true): Call => ({
  prepare: async () => ({ m: await meetingIn(status) }),
  run: http(method, (t) => `/api/meetings/${t['m']}${suffix}`, body === undefined ? undefined : () => body),
  writes,
});

/** Joins the meeting over signaling; the peer is in the room while we look. */
async function join(who: Who, meetingId: string): Promise<{ outcome: Outcome; body?: unknown }> {
  if (who === 'anonymous') {
    const err = await TestSignalingClient.connect(server.url, '').then(
      (c) => (c.close(), null),
      (e: Error) => e,
    );
    return { outcome: err && /401/.test(err.message) ? 401 : `connected: ${String(err)}` as never };
  }
  const client = await TestSignalingClient.connect(server.url, who === 'admin' ? admin.token! : people[who].token);
  try {
    const frame = (await client.requestFrame('join', { meetingId })) as { ok: boolean; data?: any; error?: { code: Outcome } };
    if (!frame.ok) return { outcome: frame.error!.code };
    const room = (await server.rooms.list()).find((r) => r.name === meetingId);
    const accounts = [...(room?.peers.values() ?? [])].map((p) => p.identity.accountId);
    expect(accounts).toContain(who === 'admin' ? adminId : people[who].id);
    return { outcome: 'ok', body: frame.data };
  } finally {
    client.close();
  }
}
const joinCall = (status: MeetingStatus): Call => ({
  prepare: async () => ({ m: await meetingIn(status) }),
  run: (who, t) => join(who, t['m']!),
  writes: false,
  after: async (_who, _t, body) => expect((body as { meetingTitle: string }).meetingTitle).toMatch(/^Họp \d+$/),
});

let documentPdf: Buffer | null = null;
const pdfBytes = async () => (documentPdf ??= await makeVietnamesePdf({ pages: 1 }));

/** A published meeting M with one agenda item and one document; its pack published or not. */
async function meetingWithDocument(published: boolean): Promise<Record<string, string>> {
  const m = await meetingIn('published');
  const meeting = await server.meetings.get(people.secretary.actor, m);
  const item = meeting.agenda[0]!.id;
  const up = await uploadFile(people.secretary.api, `/api/meetings/${m}/documents?agendaItemId=${item}`, await pdfBytes(), 'tai-lieu.pdf');
  expect(up.status).toBe(201);
  if (published) await server.documents.publish(people.secretary.actor, m);
  return { m, item, doc: up.body.id, version: up.body.versions[0].id };
}
const upload = (path: (t: Record<string, string>) => string) => async (who: Who, t: Record<string, string>) => {
  const res = await uploadFile(apiOf(who), path(t), await pdfBytes(), 'moi.pdf');
  return { outcome: res.status, body: res.body };
};

const CALLS: Record<Case, Call> = {
  'GET /api/health': { run: http('GET', () => '/api/health'), writes: false },
  'GET /api/openapi.json': { run: http('GET', () => '/api/openapi.json'), writes: false },

  'POST /api/auth/login': {
    // Each caller logs in with its own username and password; the anonymous caller with unknown ones.
    run: http('POST', () => '/api/auth/login', (who) => (who === 'anonymous' ? { username: 'khong.ton.tai', password: 'Sai-mat-khau-1' } : { username: usernameOf(who), password: passwordOf(who) })),
    writes: true,
  },
  'POST /api/auth/refresh': {
    prepare: async (who) => ({ refresh: who === 'anonymous' ? 'x'.repeat(43) : (await server.auth.login(usernameOf(who), passwordOf(who), 'matrix')).refreshToken }),
    run: async (_who, t) => {
      const res = await new TestApi(server.url).call('POST', '/api/auth/refresh', { refreshToken: t['refresh'] });
      return { outcome: res.status, body: res.body };
    },
    writes: true,
  },
  'POST /api/auth/logout': {
    prepare: async (who) => ({ access: who === 'anonymous' ? '' : (await server.auth.login(usernameOf(who), passwordOf(who), 'matrix')).accessToken }),
    run: async (_who, t) => {
      const res = await new TestApi(server.url, t['access'] || null).call('POST', '/api/auth/logout');
      return { outcome: res.status, body: res.body };
    },
    writes: true,
    after: async (_who, t) => expect((await new TestApi(server.url, t['access']!).call('GET', '/api/auth/me')).status).toBe(401),
  },
  'GET /api/auth/me': {
    run: http('GET', () => '/api/auth/me'),
    writes: false,
    after: async (who, _t, body) => expect((body as { username: string }).username).toBe(usernameOf(who)),
  },

  'GET /api/units': { run: http('GET', () => '/api/units'), writes: false },
  'POST /api/units': { run: http('POST', () => '/api/units', () => ({ name: `Phường ${++seq}`, level: 'commune' })), writes: true },
  'PATCH /api/units/:id': { prepare: freshUnit, run: http('PATCH', (t) => `/api/units/${t['unit']}`, () => ({ name: 'Tên mới' })), writes: true },
  'DELETE /api/units/:id': { prepare: freshUnit, run: http('DELETE', (t) => `/api/units/${t['unit']}`), writes: true },

  'GET /api/bridge-points': { run: http('GET', () => '/api/bridge-points'), writes: false },
  'POST /api/bridge-points': { prepare: freshUnit, run: http('POST', () => '/api/bridge-points', (_w, t) => ({ unitId: t['unit'], name: 'Điểm cầu mới', headcount: 12 })), writes: true },
  'PATCH /api/bridge-points/:id': { prepare: freshPoint, run: http('PATCH', (t) => `/api/bridge-points/${t['point']}`, () => ({ headcount: 99 })), writes: true },
  'DELETE /api/bridge-points/:id': { prepare: freshPoint, run: http('DELETE', (t) => `/api/bridge-points/${t['point']}`), writes: true },

  'GET /api/accounts': { run: http('GET', () => '/api/accounts'), writes: false },
  'POST /api/accounts': { run: http('POST', () => '/api/accounts', () => ({ username: `moi.${process.pid}.${++seq}`, displayName: 'Người mới', role: 'delegate', password: PASSWORD })), writes: true },
  'PATCH /api/accounts/:id': {
    prepare: async () => ({ account: (await admin.ok('POST', '/api/accounts', { username: `sua.${process.pid}.${++seq}`, displayName: 'Sẽ đổi', role: 'guest', password: PASSWORD })).id }),
    run: http('PATCH', (t) => `/api/accounts/${t['account']}`, () => ({ title: 'Chuyên viên', role: 'delegate' })),
    writes: true,
  },

  'GET /api/audit': { run: http('GET', () => '/api/audit?limit=5'), writes: false },

  'GET /api/meetings': { run: http('GET', () => '/api/meetings'), writes: false },
  'POST /api/meetings': {
    run: http('POST', () => '/api/meetings', () => ({ title: `Họp mới ${++seq}`, startsAt: hours(2), endsAt: hours(4), chairId: people.chair.id, secretaryId: people.secretary.id })),
    writes: true,
    after: async (_who, _t, body) => expect(body).toMatchObject({ status: 'draft', secretaryId: people.secretary.id }),
  },
  'GET /api/meetings/:id · draft': meetingCall('draft', 'GET', '', undefined, false),
  'GET /api/meetings/:id · published': meetingCall('published', 'GET', '', undefined, false),
  'PATCH /api/meetings/:id · draft': meetingCall('draft', 'PATCH', '', { title: 'Tên mới của cuộc họp' }),
  'PATCH /api/meetings/:id · published': meetingCall('published', 'PATCH', '', { title: 'Tên mới của cuộc họp' }),
  'PATCH /api/meetings/:id · live': meetingCall('live', 'PATCH', '', { title: 'Tên mới của cuộc họp' }),
  'PUT /api/meetings/:id/agenda · published': meetingCall('published', 'PUT', '/agenda', { items: [{ title: 'Thảo luận', durationMinutes: 30 }] }),
  'PUT /api/meetings/:id/invitations · published': meetingCall('published', 'PUT', '/invitations', { delegateIds: [] }),
  'POST /api/meetings/:id/transition · draft→published': meetingCall('draft', 'POST', '/transition', { to: 'published' }),
  'POST /api/meetings/:id/transition · published→live': meetingCall('published', 'POST', '/transition', { to: 'live' }),
  'POST /api/meetings/:id/transition · live→ended': meetingCall('live', 'POST', '/transition', { to: 'ended' }),
  'GET /api/meetings/:id/invitation.ics · draft': meetingCall('draft', 'GET', '/invitation.ics', undefined, false),
  'GET /api/meetings/:id/invitation.ics · published': {
    ...meetingCall('published', 'GET', '/invitation.ics', undefined, false),
    after: async (_who, _t, body) => expect(String(body)).toMatch(/^BEGIN:VCALENDAR/),
  },

  'GET /api/meetings/:id/documents · pack not published': {
    prepare: () => meetingWithDocument(false),
    run: http('GET', (t) => `/api/meetings/${t['m']}/documents`),
    writes: false,
    // Invitees see the agenda but no document until the pack is published.
    after: async (who, _t, body) => expect((body as { items: { documents: unknown[] }[] }).items[0]!.documents).toHaveLength(['admin', 'secretary', 'chair'].includes(who) ? 1 : 0),
  },
  'POST /api/meetings/:id/documents': { prepare: () => meetingWithDocument(false), run: upload((t) => `/api/meetings/${t['m']}/documents?agendaItemId=${t['item']}`), writes: true },
  'POST /api/meetings/:id/documents/publish': { prepare: () => meetingWithDocument(false), run: http('POST', (t) => `/api/meetings/${t['m']}/documents/publish`), writes: true },
  'PUT /api/meetings/:id/documents/settings': { prepare: () => meetingWithDocument(false), run: http('PUT', (t) => `/api/meetings/${t['m']}/documents/settings`, () => ({ watermark: true })), writes: true },
  'PATCH /api/documents/:id · pack not published': { prepare: () => meetingWithDocument(false), run: http('PATCH', (t) => `/api/documents/${t['doc']}`, () => ({ confidential: true })), writes: true },
  'PATCH /api/documents/:id · pack published': { prepare: () => meetingWithDocument(true), run: http('PATCH', (t) => `/api/documents/${t['doc']}`, () => ({ title: 'Tên mới' })), writes: true },
  'DELETE /api/documents/:id': { prepare: () => meetingWithDocument(true), run: http('DELETE', (t) => `/api/documents/${t['doc']}`), writes: true },
  'POST /api/documents/:id/versions': { prepare: () => meetingWithDocument(true), run: upload((t) => `/api/documents/${t['doc']}/versions`), writes: true },
  'GET /api/documents/:id/versions/:versionId/file · pack not published': { prepare: () => meetingWithDocument(false), run: http('GET', (t) => `/api/documents/${t['doc']}/versions/${t['version']}/file`), writes: false },
  'GET /api/documents/:id/versions/:versionId/file · pack published': { prepare: () => meetingWithDocument(true), run: http('GET', (t) => `/api/documents/${t['doc']}/versions/${t['version']}/file`), writes: false },
  'GET /api/meetings/:id/comments': { prepare: () => meetingWithDocument(true), run: http('GET', (t) => `/api/meetings/${t['m']}/comments`), writes: false },
  'POST /api/meetings/:id/comments': { prepare: () => meetingWithDocument(true), run: http('POST', (t) => `/api/meetings/${t['m']}/comments`, (_w, t) => ({ agendaItemId: t['item'], body: 'Ý kiến' })), writes: true },
  'GET /api/signing/trust-anchors': { run: http('GET', () => '/api/signing/trust-anchors'), writes: false },
  'POST /api/signing/trust-anchors': { run: http('POST', () => '/api/signing/trust-anchors', () => ({ certificate: makeTestCa(`CA ${++seq}`, 1024).pem })), writes: true },
  'DELETE /api/signing/trust-anchors/:id': {
    prepare: async () => ({ anchor: (await admin.ok('POST', '/api/signing/trust-anchors', { certificate: makeTestCa(`CA ${++seq}`, 1024).pem })).id }),
    run: http('DELETE', (t) => `/api/signing/trust-anchors/${t['anchor']}`),
    writes: true,
  },
  'POST /api/signing/verify': {
    prepare: freshSignedDocument('live'),
    run: rawHttp('POST', () => '/api/signing/verify', () => ({ body: Buffer.from(samplePdf), type: 'application/pdf' })),
    writes: false,
    after: async (_who, _t, body) => expect(body).toMatchObject({ signatures: [] }),
  },
  'GET /api/meetings/:id/signed-documents · published': meetingCall('published', 'GET', '/signed-documents', undefined, false),
  'POST /api/meetings/:id/signed-documents · live': {
    prepare: async () => ({ m: await meetingIn('live') }),
    run: rawHttp('POST', (t) => `/api/meetings/${t['m']}/signed-documents?title=Bi%C3%AAn%20b%E1%BA%A3n`, () => ({ body: Buffer.from(samplePdf), type: 'application/pdf' })),
    writes: true,
    after: async (_who, _t, body) => expect(body).toMatchObject({ version: 1, status: 'unsigned', title: 'Biên bản' }),
  },
  'GET /api/signed-documents/:id': docCall(''),
  'GET /api/signed-documents/:id/file': docCall('/file'),
  'GET /api/signed-documents/:id/verification': docCall('/verification'),
  'POST /api/signed-documents/:id/prepare · ended': {
    prepare: freshSignedDocument('ended'),
    run: http('POST', (t) => `/api/signed-documents/${t['doc']}/prepare`, (who) => ({ certificates: [Buffer.from(signers[signerOf(who)].certDer).toString('base64')] })),
    writes: false,
  },
  'POST /api/signed-documents/:id/finish · ended': {
    prepare: async (who) => {
      const t = await freshSignedDocument('ended')();
      if (who !== 'chair' && who !== 'secretary') return { ...t, prep: crypto.randomUUID(), attrs: 'AAAA', sig: 'AAAA' };
      const signer = signers[who];
      const body = await deviceFinishBody(server.signing, people[who].actor, t.doc, { key: signer.keyPem, certDer: signer.certDer });
      return { ...t, prep: body.preparationId, attrs: body.signedAttributes, sig: body.signature };
    },
    run: http('POST', (t) => `/api/signed-documents/${t['doc']}/finish`, (_who, t) => ({ preparationId: t['prep'], signedAttributes: t['attrs'], signature: t['sig'] })),
    writes: true,
  },
  'GET /api/signed-documents/:id/preparations/:preparationId': preparationCall(''),
  'GET /api/signed-documents/:id/preparations/:preparationId/file': preparationCall('/file'),
  'GET /api/meetings/:id/minutes · draft': meetingCall('draft', 'GET', '/minutes', undefined, false),
  'GET /api/meetings/:id/minutes · live': {
    ...meetingCall('live', 'GET', '/minutes', undefined, false),
    after: async (_who, t, body) => expect(body).toMatchObject({ docName: `minutes/${t['m']}`, documentKey: null, record: { meeting: { id: t['m'], chairName: 'Chủ tọa Nguyễn Văn Chủ' }, agenda: [{ title: 'Khai mạc' }] } }),
  },
  'GET /api/meetings/:id/minutes/preview.pdf · ended': {
    ...meetingCall('ended', 'GET', '/minutes/preview.pdf', undefined, false),
    after: async (_who, _t, body) => expect(String(body)).toMatch(/^%PDF-/),
  },
  'POST /api/meetings/:id/minutes/pdf · ended': {
    ...meetingCall('ended', 'POST', '/minutes/pdf'),
    after: async (_who, t, body) => expect(body).toMatchObject({ meetingId: t['m'], version: 1, status: 'unsigned' }),
  },
  'POST /api/meetings/:id/minutes/pdf · cancelled': meetingCall('cancelled', 'POST', '/minutes/pdf'),

  'WS join · draft': joinCall('draft'),
  'WS join · published': joinCall('published'),
  'WS join · live': joinCall('live'),
  'WS join · ended': joinCall('ended'),
};

const routeOf = (c: string) => c.replace(/ · .*$/, '');

/** Routes whose role × action checks live in a test of their own capability (not repeated here). */
const COVERED_ELSEWHERE: Record<string, string> = {
  'GET /api/meetings/:id/votes': 'voting-permissions.test.ts',
  'POST /api/meetings/:id/votes': 'voting-permissions.test.ts',
  'PUT /api/votes/:voteId': 'voting-permissions.test.ts',
  'POST /api/votes/:voteId/cancel': 'voting-permissions.test.ts',
  'GET /api/meetings/:id/votes/results.csv': 'voting-permissions.test.ts',
  'GET /api/meetings/:id/votes/results.pdf': 'voting-permissions.test.ts',
  'GET /api/metrics': 'metrics.test.ts',
  // Who may ask where to connect (those who may join), on one server and on several.
  'GET /api/meetings/:id/placement': 'cluster-placement.test.ts',
  'GET /metrics': 'metrics.test.ts',
  'GET /api/meetings/:id/recordings': 'recording-access.test.ts',
  'GET /api/recordings/:id/archive.mp4': 'recording-access.test.ts',
  'DELETE /api/recordings/:id': 'recording-access.test.ts',
  'GET /api/meetings/:id/viewers': 'broadcast-viewers.test.ts',
  'PUT /api/meetings/:id/viewers': 'broadcast-viewers.test.ts',
  'GET /api/meetings/:id/broadcast': 'broadcast-viewers.test.ts',
  'PUT /api/meetings/:id/broadcast': 'broadcast-viewers.test.ts',
  'GET /api/live-auth': 'broadcast-viewers.test.ts',
  // The live broadcast's HLS files, GET /live/* (Fastify's printRoutes shows a wildcard route as `*`).
  'GET *': 'broadcast-viewers.test.ts',
};

describe('permission matrix', () => {
  it('covers every HTTP route the server has', () => {
    const inTable = new Set([...Object.keys(POLICY).filter((c) => !c.startsWith('WS ')).map(routeOf), ...Object.keys(COVERED_ELSEWHERE)]);
    expect([...inTable].sort()).toEqual(routeTable(server.app));
  });

  it.each(Object.keys(POLICY) as Case[])('%s', async (c) => {
    const expected = POLICY[c];
    const call = CALLS[c];
    const got: Record<string, Outcome> = {};
    const problems: string[] = [];
    for (const [i, who] of WHO.entries()) {
      const targets = (await call.prepare?.(who)) ?? {};
      const before = await snapshot(server.store.db);
      const { outcome, body } = await call.run(who, targets);
      got[who] = outcome;
      const after = await snapshot(server.store.db);
      const allowed = outcome === 'ok' || (typeof outcome === 'number' && outcome < 300);
      if (outcome !== expected[i]) continue; // reported by the row comparison below
      if (allowed) {
        const changed = JSON.stringify(before) !== JSON.stringify(after);
        if (changed !== call.writes) problems.push(`${who}: store ${changed ? 'changed' : 'unchanged'} after a successful call`);
        try {
          await call.after?.(who, targets, body);
        } catch (err) {
          problems.push(`${who}: ${(err as Error).message}`);
        }
      } else {
        if (typeof outcome === 'number' && typeof body === 'object' && body !== null) {
          const b = body as Record<string, unknown>;
          if (b['messageKey'] !== `apiErrors.${String(b['code'])}`) problems.push(`${who}: not the error shape: ${JSON.stringify(body)}`);
        }
        // A refused login is recorded in the audit log, and only that.
        if (c === 'POST /api/auth/login') {
          const added = after['audit_log']!.filter((r) => !before['audit_log']!.includes(r));
          if (added.length !== 1 || !String(added[0]).includes('"auth.login_failed"')) problems.push(`${who}: refused login audit ${JSON.stringify(added)}`);
          before['audit_log'] = after['audit_log']!;
        }
        if (JSON.stringify(before) !== JSON.stringify(after)) problems.push(`${who}: a refused call changed the store`);
        if (c.startsWith('WS ')) {
          const room = (await server.rooms.list()).find((r) => r.name === targets['m']);
          if (room && room.peers.size > 0) problems.push(`${who}: a refused join left a peer in the room`);
        }
      }
    }
    expect(got).toEqual(Object.fromEntries(WHO.map((w, i) => [w, expected[i]])));
    expect(problems).toEqual([]);
  });
});
