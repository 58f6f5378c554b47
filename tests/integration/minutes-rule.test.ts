/**
 * The minutes rule through the real server: only the chair and the secretary make the minutes (from
 * the record, "Tạo biên bản PDF"); nobody — not the admin, not the meeting's creator — replaces them
 * with another PDF through the signed-documents upload; and the two signatures the minutes need come
 * from two different accounts: a meeting cannot have one account as both chair and secretary, and
 * where an older meeting has, that account signs a version once and cannot make it fully signed alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedDocument } from '../../common/api/signing';
import type { RunningServer } from '../../sfu-server/src/server';
import { person, TestApi, type Person } from '../support/api-client';
import { signOverHttp } from '../support/device-signer';
import { raw } from '../support/http';
import { makeSamplePdf } from '../support/sample-pdf';
import { makeSigner, makeTestCa } from '../support/test-ca';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let admin: TestApi;
let chair: Person;
let secretary: Person;
let pdf: Uint8Array;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  chair = await person(admin, 'chair', 'Chủ tọa Lê Văn Hai');
  secretary = await person(admin, 'secretary', 'Thư ký Phạm Thị Một');
  pdf = await makeSamplePdf();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const meetingBody = (chairId: string, secretaryId: string) => ({ title: 'Họp thông qua biên bản', startsAt: hours(1), endsAt: hours(3), chairId, secretaryId });
const upload = (who: { token: string | null }, meetingId: string, documentKey?: string) =>
  raw(server.url, 'POST', `/api/meetings/${meetingId}/signed-documents?title=${encodeURIComponent('Biên bản khác')}${documentKey ? `&documentKey=${documentKey}` : ''}`, {
    token: who.token,
    body: pdf,
    headers: { 'content-type': 'application/pdf' },
  });

async function publishedMeeting(): Promise<string> {
  const m = await secretary.api.ok('POST', '/api/meetings', meetingBody(chair.id, secretary.id));
  await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'published' });
  return m.id as string;
}

describe('chair and secretary are two people', () => {
  it('a meeting with one account as both is refused, when created and when edited', async () => {
    const same = await secretary.api.call('POST', '/api/meetings', meetingBody(secretary.id, secretary.id));
    expect(same.status).toBe(400);
    expect(same.body).toMatchObject({ code: 'bad_request', details: { field: 'secretaryId', reason: 'same_person' } });
    const m = await secretary.api.ok('POST', '/api/meetings', meetingBody(chair.id, secretary.id));
    const edit = await secretary.api.call('PATCH', `/api/meetings/${m.id}`, { chairId: secretary.id });
    expect(edit.status).toBe(400);
    expect(edit.body).toMatchObject({ details: { reason: 'same_person' } });
    expect((await secretary.api.ok('GET', `/api/meetings/${m.id}`)).chairId).toBe(chair.id);
  });

  it('an account that is both (a meeting from before the rule) signs a minutes version once: it stays partially signed', async () => {
    const meetingId = await publishedMeeting();
    await server.store.db.updateTable('meetings').set({ chair_id: secretary.id }).where('id', '=', meetingId).execute();
    const ca = makeTestCa();
    await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
    const key = makeSigner(ca, 'Phạm Thị Một');
    const holder = { key: key.keyPem, certDer: key.certDer };
    const v1: SignedDocument = await secretary.api.ok('POST', `/api/meetings/${meetingId}/minutes/pdf`);
    const first = await signOverHttp(secretary.api, v1.id, holder);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'partially_signed', can: { sign: false } });
    const second = await signOverHttp(secretary.api, v1.id, holder);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ details: { reason: 'already_signed' } });
    expect((await secretary.api.ok('GET', `/api/signed-documents/${v1.id}`)).status).toBe('partially_signed');
  });
});

describe('the minutes change only through the minutes', () => {
  it('neither the admin nor the meeting creator uploads a new version of the minutes; other documents keep their versions', async () => {
    const meetingId = await publishedMeeting();
    const v1: SignedDocument = await secretary.api.ok('POST', `/api/meetings/${meetingId}/minutes/pdf`);
    for (const who of [admin, secretary.api]) {
      const res = await upload(who, meetingId, v1.documentKey);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ code: 'forbidden', details: { reason: 'minutes_rule' } });
    }
    const list: SignedDocument[] = await secretary.api.ok('GET', `/api/meetings/${meetingId}/signed-documents`);
    expect(list.map((d) => [d.version, d.status, d.sha256])).toEqual([[1, 'unsigned', v1.sha256]]);
    // Nobody is offered an upload of a new version of the minutes (the page hides its button).
    expect(v1.can.newVersion).toBe(false);
    for (const who of [admin, secretary.api, chair.api]) {
      expect((await who.ok('GET', `/api/signed-documents/${v1.id}`)).can.newVersion).toBe(false);
    }

    // The chair makes version 2 from the record, as the rule allows.
    const v2: SignedDocument = await chair.api.ok('POST', `/api/meetings/${meetingId}/minutes/pdf`);
    expect(v2).toMatchObject({ version: 2, documentKey: v1.documentKey });

    // Any other document to sign still gets new versions by upload.
    const other = await upload(secretary.api, meetingId);
    expect(other.status).toBe(201);
    const next = await upload(admin, meetingId, (other.body as SignedDocument).documentKey);
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ version: 2 });
    // … and their new-version upload stays offered to whoever may prepare signatures.
    expect((other.body as SignedDocument).can.newVersion).toBe(true);
    expect((await secretary.api.ok('GET', `/api/meetings/${meetingId}/signed-documents`)).map((d: SignedDocument) => [d.documentKey === v1.documentKey, d.status, d.can.newVersion])).toEqual([
      [true, 'superseded', false],
      [true, 'unsigned', false],
      [false, 'superseded', true],
      [false, 'unsigned', true],
    ]);
  });
});
