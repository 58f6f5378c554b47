/**
 * Presenting over signaling against a real server: only the chair, the secretary or the person
 * the chair designates presents; only the presenter turns pages (within the document); everyone
 * joined is told (docPresentation); a late joiner asks doc.presentation; pack changes and comments
 * are pushed to the room, a comment on a confidential document only to those who may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let meetingId: string;
let chair: Person;
let secretary: Person;
let d1: Person;
let d2: Person;
let docId: string;
let versionId: string;
let itemId: string;
const clients: TestSignalingClient[] = [];

async function joined(p: Person): Promise<TestSignalingClient> {
  const c = await TestSignalingClient.connect(server.url, p.token);
  clients.push(c);
  await c.request('join', { meetingId });
  return c;
}

async function code(c: TestSignalingClient, method: string, data: unknown): Promise<string> {
  const frame = (await c.requestFrame(method, data)) as { ok: boolean; error?: { code: string } };
  return frame.ok ? 'ok' : frame.error!.code;
}

beforeAll(async () => {
  server = await startTestServer();
  const admin = await TestApi.admin(server.url);
  d1 = await person(admin, 'delegate', 'Đại biểu Một');
  d2 = await person(admin, 'delegate', 'Đại biểu Hai');
  const m = await liveMeeting(admin, [d1, d2]);
  meetingId = m.id;
  chair = m.chair;
  secretary = m.secretary;
  // A live meeting's agenda cannot be edited any more: write the item straight into the store, as if set before the start.
  await server.store.db.insertInto('agenda_items').values({ id: crypto.randomUUID(), meeting_id: meetingId, position: 1, title: 'Báo cáo', presenter: '', duration_minutes: 10 }).execute();
  itemId = (await server.store.db.selectFrom('agenda_items').select('id').where('meeting_id', '=', meetingId).executeTakeFirstOrThrow()).id;
  const up = await uploadFile(secretary.api, `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`, await makeVietnamesePdf({ pages: 5 }), 'bao-cao.pdf');
  expect(up.status).toBe(201);
  docId = up.body.id;
  versionId = up.body.versions[0].id;
  await secretary.api.ok('POST', `/api/meetings/${meetingId}/documents/publish`);
}, 120_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('presenting', () => {
  let cChair: TestSignalingClient;
  let cSec: TestSignalingClient;
  let c1: TestSignalingClient;

  it('outside a room nothing is allowed', async () => {
    const c = await TestSignalingClient.connect(server.url, d1.token);
    clients.push(c);
    expect(await code(c, 'doc.presentation', {})).toBe('not_joined');
    expect(await code(c, 'doc.present', { documentId: docId, versionId, page: 1 })).toBe('not_joined');
    c.close();
  });

  it('a delegate may not present; the chair may, and everyone follows the pages', async () => {
    cChair = await joined(chair);
    cSec = await joined(secretary);
    c1 = await joined(d1);
    expect(await c1.request('doc.presentation', {})).toEqual({ state: { presentation: null, designatedAccountId: null }, mayPresent: false, mayDesignate: false });
    expect((await cChair.request('doc.presentation', {})).mayDesignate).toBe(true);
    expect(await code(c1, 'doc.present', { documentId: docId, versionId, page: 1 })).toBe('forbidden');
    expect(await code(cChair, 'doc.present', { documentId: docId, versionId, page: 9 })).toBe('bad_request');
    expect(await code(cChair, 'doc.present', { documentId: crypto.randomUUID(), versionId, page: 1 })).toBe('not_found');
    expect(await code(cChair, 'doc.present', { documentId: docId, versionId: 'x', page: 1 })).toBe('bad_request');

    const state = await cChair.request('doc.present', { documentId: docId, versionId, page: 1 });
    expect(state.presentation).toMatchObject({ presenterAccountId: chair.id, documentId: docId, versionId, page: 1 });
    await c1.notification('docPresentation', (s) => s.presentation?.page === 1);
    expect(await code(c1, 'doc.setPage', { page: 2 })).toBe('forbidden');
    expect(await code(cChair, 'doc.setPage', { page: 6 })).toBe('bad_request');
    await cChair.request('doc.setPage', { page: 3 });
    await c1.notification('docPresentation', (s) => s.presentation?.page === 3);
    await cSec.notification('docPresentation', (s) => s.presentation?.page === 3);
  });

  it('a late joiner learns the presentation with doc.presentation', async () => {
    const c2 = await joined(d2);
    const r = await c2.request('doc.presentation', {});
    expect(r.state.presentation).toMatchObject({ documentId: docId, page: 3, presenterAccountId: chair.id });
    expect(r.mayPresent).toBe(false);
  });

  it('the chair designates a delegate, who may then present; taking it back ends their presentation', async () => {
    expect(await code(c1, 'doc.designate', { accountId: d1.id })).toBe('forbidden');
    expect(await code(cSec, 'doc.designate', { accountId: d1.id })).toBe('forbidden');
    await cChair.request('doc.designate', { accountId: d1.id });
    const s = await c1.request('doc.present', { documentId: docId, versionId, page: 2 });
    expect(s.presentation).toMatchObject({ presenterAccountId: d1.id, page: 2 });
    expect(await code(cChair, 'doc.setPage', { page: 4 })).toBe('forbidden');
    await cChair.request('doc.designate', { accountId: null });
    expect((await c1.request('doc.presentation', {})).state).toEqual({ presentation: null, designatedAccountId: null });
    expect(await code(c1, 'doc.present', { documentId: docId, versionId, page: 1 })).toBe('forbidden');
  });

  it('the secretary presents and the chair stops it', async () => {
    await cSec.request('doc.present', { documentId: docId, versionId, page: 1 });
    expect(await code(c1, 'doc.stopPresenting', {})).toBe('forbidden');
    const s = await cChair.request('doc.stopPresenting', {});
    expect(s.presentation).toBeNull();
    await c1.notification('docPresentation', (x) => x.presentation === null && x.designatedAccountId === null);
  });
});

describe('pushes to the room', () => {
  it('a new document tells the room to reload the pack; a confidential comment reaches only its readers', async () => {
    // Fresh connections (a second join of an account replaces its first presence).
    const a = await joined(d1);
    const c2 = await joined(d2);
    const up = await uploadFile(secretary.api, `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`, await makeVietnamesePdf({ pages: 1 }), 'mat.pdf');
    await a.notification('docPackChanged', (d) => d.meetingId === meetingId);
    await c2.notification('docPackChanged', (d) => d.meetingId === meetingId);
    await secretary.api.ok('PATCH', `/api/documents/${up.body.id}`, { confidential: true, allowedAccountIds: [d1.id] });
    await d1.api.ok('POST', `/api/meetings/${meetingId}/comments`, { documentId: up.body.id, body: 'Ý kiến mật' });
    await d1.api.ok('POST', `/api/meetings/${meetingId}/comments`, { agendaItemId: itemId, body: 'Ý kiến chung' });
    await a.notification('docComment', (d) => d.comment.body === 'Ý kiến mật');
    await c2.notification('docComment', (d) => d.comment.body === 'Ý kiến chung');
    expect(c2.notifications.some((n) => n.name === 'docComment' && (n.data as any).comment.body === 'Ý kiến mật')).toBe(false);
  });
});
