/**
 * The meeting pack over HTTP against a real server: uploads are checked by content (a PNG named
 * .pdf, a truncated PDF, an encrypted PDF, a file over the limit are refused and leave nothing
 * behind), stored by SHA-256; versions; the pack is invisible to invitees until published;
 * uninvited people see nothing; a confidential document only reaches the chosen people; file
 * downloads carry the right cache headers; comments and their permissions.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { TestApi } from '../support/api-client';
import { downloadFile, uploadFile } from '../support/documents';
import { member, type Member } from '../support/http';
import { makeVietnamesePdf, PNG_1X1 } from '../support/pdf-samples';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
let admin: TestApi;
let secretary: Member;
let chair: Member;
let delegate: Member;
let delegate2: Member;
let outsider: Member;
let meetingId: string;
let itemId: string;
let pdf: Buffer;

const storedFiles = () => {
  const root = path.join(server.dataDir, 'documents');
  const out: string[] = [];
  for (const dir of fs.readdirSync(root)) for (const f of fs.readdirSync(path.join(root, dir))) out.push(`${dir}/${f}`);
  return out.sort();
};

beforeAll(async () => {
  server = await startTestServer({ MAX_DOCUMENT_MB: '0.5' });
  admin = await TestApi.admin(server.url);
  secretary = await member(server, admin, 'secretary', 'Thư ký Trần Thị Thư');
  chair = await member(server, admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  delegate = await member(server, admin, 'delegate', 'Đại biểu Lê Văn Dự');
  delegate2 = await member(server, admin, 'delegate', 'Đại biểu Phạm Thị Hai');
  outsider = await member(server, admin, 'delegate', 'Người ngoài Vũ Văn Ngoài');
  const start = new Date(Date.now() + 3600_000);
  const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp UBND tỉnh', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  meetingId = m.id;
  const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${meetingId}/agenda`, { items: [{ title: 'Báo cáo kinh tế – xã hội', durationMinutes: 30 }, { title: 'Kế hoạch đầu tư công', durationMinutes: 20 }] });
  itemId = withAgenda.agenda[0].id;
  await secretary.api.ok('PUT', `/api/meetings/${meetingId}/invitations`, { delegateIds: [delegate.id, delegate2.id] });
  await secretary.api.ok('POST', `/api/meetings/${meetingId}/transition`, { to: 'published' });
  pdf = await makeVietnamesePdf({ pages: 3 });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('uploads', () => {
  it('refuses files that are not readable PDFs, by content, and keeps nothing', async () => {
    const url = `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`;
    const before = storedFiles();
    const cases: [Buffer, string, number, string][] = [
      [PNG_1X1, 'bao-cao.pdf', 400, 'documents.errors.notPdf'],
      [pdf.subarray(0, Math.floor(pdf.length / 2)), 'cut.pdf', 400, 'documents.errors.broken'],
      [Buffer.concat([pdf.subarray(0, Math.floor(pdf.length / 2)), Buffer.from('\n%%EOF\n')]), 'cut-eof.pdf', 400, 'documents.errors.broken'],
      [await makeVietnamesePdf({ pages: 1, userPassword: 'mat-khau' }), 'mat.pdf', 400, 'documents.errors.encrypted'],
      [Buffer.alloc(0), 'empty.pdf', 400, 'documents.errors.empty'],
      [Buffer.concat([pdf, Buffer.alloc(600 * 1024, 32)]), 'big.pdf', 413, 'documents.errors.tooLarge'],
    ];
    for (const [bytes, name, status, key] of cases) {
      const res = await uploadFile(secretary.api, url, bytes, name);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.messageKey, name).toBe(key);
    }
    expect(storedFiles()).toEqual(before);
    expect(fs.readdirSync(path.join(server.dataDir, 'documents/tmp'))).toEqual([]);
    const pack = await secretary.api.ok('GET', `/api/meetings/${meetingId}/documents`);
    expect(pack.items.flatMap((i: any) => i.documents)).toEqual([]);
  });

  it('accepts a PDF whatever its name, stores it by SHA-256 with its page count, and keeps old versions', async () => {
    const res = await uploadFile(secretary.api, `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`, pdf, 'Báo cáo KT-XH.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const sha = createHash('sha256').update(pdf).digest('hex');
    expect(res.body).toMatchObject({ title: 'Báo cáo KT-XH', agendaItemId: itemId, confidential: false, versions: [{ number: 1, sha256: sha, pageCount: 3, size: pdf.length, fileName: 'Báo cáo KT-XH.pdf' }] });
    expect(storedFiles()).toContain(`${sha.slice(0, 2)}/${sha}.pdf`);

    const v2bytes = await makeVietnamesePdf({ pages: 4, title: 'Bản sửa đổi' });
    const v2 = await uploadFile(secretary.api, `/api/documents/${res.body.id}/versions`, v2bytes, 'bao-cao-v2.pdf');
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body.versions.map((v: any) => [v.number, v.pageCount])).toEqual([
      [2, 4],
      [1, 3],
    ]);
    const bad = await uploadFile(secretary.api, `/api/documents/${res.body.id}/versions`, PNG_1X1, 'x.pdf');
    expect(bad.status).toBe(400);
    const file = await downloadFile(secretary.api, res.body.id, v2.body.versions[1].id);
    expect(file.status).toBe(200);
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(sha);
    expect(file.headers.get('cache-control')).toBe('private, no-cache');
    expect(file.headers.get('content-type')).toBe('application/pdf');
  });

  it('keeps documents attached when the agenda is edited with the items’ ids', async () => {
    const m = await secretary.api.ok('GET', `/api/meetings/${meetingId}`);
    const items = m.agenda.map((a: any) => ({ id: a.id, title: a.title, durationMinutes: a.durationMinutes }));
    const saved = await secretary.api.ok('PUT', `/api/meetings/${meetingId}/agenda`, { items: [{ title: 'Khai mạc', durationMinutes: 5 }, ...items] });
    expect(saved.agenda[1].id).toBe(itemId);
    const pack = await secretary.api.ok('GET', `/api/meetings/${meetingId}/documents`);
    expect(pack.items.find((i: any) => i.agendaItemId === itemId).documents).toHaveLength(1);
  });

  it('only organisers upload; others are refused before anything is read', async () => {
    const url = `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`;
    expect((await uploadFile(delegate.api, url, pdf, 'a.pdf')).status).toBe(403);
    expect((await uploadFile(outsider.api, url, pdf, 'a.pdf')).status).toBe(404);
    expect((await uploadFile(new TestApi(server.url), url, pdf, 'a.pdf')).status).toBe(401);
    expect((await uploadFile(chair.api, url, pdf, 'chu-toa.pdf')).status).toBe(201);
  });
});

describe('who reads what', () => {
  let docId: string;
  let versionId: string;
  let secretId: string;
  let secretVersion: string;

  beforeAll(async () => {
    const pack = await secretary.api.ok('GET', `/api/meetings/${meetingId}/documents`);
    const doc = pack.items.flatMap((i: any) => i.documents)[0];
    docId = doc.id;
    versionId = doc.versions[0].id;
    const secret = await uploadFile(secretary.api, `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`, await makeVietnamesePdf({ pages: 1, title: 'Mật' }), 'mat.pdf');
    secretId = secret.body.id;
    secretVersion = secret.body.versions[0].id;
    const patched = await secretary.api.ok('PATCH', `/api/documents/${secretId}`, { confidential: true, allowedAccountIds: [delegate.id] });
    expect(patched).toMatchObject({ confidential: true, watermark: true, allowedAccountIds: [delegate.id] });
  });

  it('a draft pack is invisible to invitees, and to uninvited people the meeting does not exist', async () => {
    const pack = await delegate.api.ok('GET', `/api/meetings/${meetingId}/documents`);
    expect(pack.published).toBe(false);
    expect(pack.items.flatMap((i: any) => i.documents)).toEqual([]);
    expect((await downloadFile(delegate.api, docId, versionId)).status).toBe(404);
    expect((await delegate.api.call('GET', `/api/meetings/${meetingId}/comments`)).status).toBe(403);
    expect((await outsider.api.call('GET', `/api/meetings/${meetingId}/documents`)).status).toBe(404);
    expect((await downloadFile(outsider.api, docId, versionId)).status).toBe(404);
    expect(await server.documents.readableMeeting(delegate.actor, docId)).toBeNull();
  });

  it('once published, invitees read it; the confidential document reaches only the chosen delegate', async () => {
    await secretary.api.ok('POST', `/api/meetings/${meetingId}/documents/publish`);
    const p1 = await delegate.api.ok('GET', `/api/meetings/${meetingId}/documents`);
    const p2 = await delegate2.api.ok('GET', `/api/meetings/${meetingId}/documents`);
    const ids = (p: any) => p.items.flatMap((i: any) => i.documents.map((d: any) => d.id));
    expect(ids(p1)).toContain(secretId);
    expect(ids(p1)).toContain(docId);
    expect(ids(p2)).not.toContain(secretId);
    expect(ids(p2)).toContain(docId);
    // Who else may read it is not shown to readers.
    expect(p1.items.flatMap((i: any) => i.documents).find((d: any) => d.id === secretId).allowedAccountIds).toEqual([]);

    expect((await downloadFile(delegate.api, docId, versionId)).status).toBe(200);
    const secret = await downloadFile(delegate.api, secretId, secretVersion);
    expect(secret.status).toBe(200);
    expect(secret.headers.get('cache-control')).toBe('private, no-store');
    expect((await downloadFile(delegate2.api, secretId, secretVersion)).status).toBe(404);
    expect((await downloadFile(outsider.api, docId, versionId)).status).toBe(404);
    expect(await server.documents.readableMeeting(delegate2.actor, secretId)).toBeNull();
    expect(await server.documents.readableMeeting(delegate.actor, secretId)).toBe(meetingId);
    // A role chosen for it opens it to every delegate.
    await secretary.api.ok('PATCH', `/api/documents/${secretId}`, { allowedRoles: ['delegate'] });
    expect((await downloadFile(delegate2.api, secretId, secretVersion)).status).toBe(200);
    await secretary.api.ok('PATCH', `/api/documents/${secretId}`, { allowedRoles: [] });
  });

  it('readers may not change documents; unknown ids are 404', async () => {
    expect((await delegate.api.call('PATCH', `/api/documents/${docId}`, { confidential: true })).status).toBe(403);
    expect((await outsider.api.call('PATCH', `/api/documents/${docId}`, { confidential: true })).status).toBe(404);
    expect((await delegate.api.call('POST', `/api/meetings/${meetingId}/documents/publish`)).status).toBe(403);
    expect((await delegate.api.call('DELETE', `/api/documents/${docId}`)).status).toBe(403);
    expect((await secretary.api.call('GET', `/api/documents/${docId}/versions/${secretVersion}/file`)).status).toBe(404);
  });

  it('comments: threads on items and documents, confidential ones only for their readers', async () => {
    const c1 = await delegate.api.ok('POST', `/api/meetings/${meetingId}/comments`, { agendaItemId: itemId, body: 'Đề nghị bổ sung số liệu quý IV.' });
    await secretary.api.ok('POST', `/api/meetings/${meetingId}/comments`, { agendaItemId: itemId, parentId: c1.id, body: 'Đã bổ sung.' });
    await delegate.api.ok('POST', `/api/meetings/${meetingId}/comments`, { documentId: secretId, body: 'Ý kiến về tài liệu mật' });
    expect((await delegate2.api.call('POST', `/api/meetings/${meetingId}/comments`, { documentId: secretId, body: 'x' })).status).toBe(404);
    expect((await delegate2.api.call('POST', `/api/meetings/${meetingId}/comments`, { agendaItemId: itemId, documentId: docId, body: 'x' })).status).toBe(400);
    expect((await delegate2.api.call('POST', `/api/meetings/${meetingId}/comments`, { documentId: docId, parentId: c1.id, body: 'x' })).status).toBe(400);
    expect((await outsider.api.call('GET', `/api/meetings/${meetingId}/comments`)).status).toBe(404);
    const seen1 = await delegate.api.ok('GET', `/api/meetings/${meetingId}/comments`);
    const seen2 = await delegate2.api.ok('GET', `/api/meetings/${meetingId}/comments`);
    expect(seen1.map((c: any) => c.body)).toEqual(['Đề nghị bổ sung số liệu quý IV.', 'Đã bổ sung.', 'Ý kiến về tài liệu mật']);
    expect(seen2.map((c: any) => c.body)).toEqual(['Đề nghị bổ sung số liệu quý IV.', 'Đã bổ sung.']);
    expect(seen1[1].parentId).toBe(c1.id);
  });
});
