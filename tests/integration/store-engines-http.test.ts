/**
 * The whole server on each store engine: the default embedded SQLite, and PostgreSQL through
 * DATABASE_URL (a real server from tests/support/postgres.ts). The same HTTP round trips, the same
 * refusals that change nothing, and a signaling join that reads the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { expectApiError, member, type Member } from '../support/http';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { usePostgres } from '../support/use-postgres';
import { TestSignalingClient } from '../support/signaling-test-client';
import { ENGINES, snapshot, type Engine } from '../support/stores';
import { startTestServer } from '../support/test-server';

const pg = usePostgres();

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

describe.each(ENGINES)('the server on %s', (engine: Engine) => {
  let server: RunningServer;
  let admin: TestApi;
  let secretary: Member;
  let chair: Member;

  beforeAll(async () => {
    server = await startTestServer(engine === 'postgres' ? { DATABASE_URL: pg.current!.url(await pg.current!.createDatabase()) } : {});
    admin = await TestApi.admin(server.url);
    secretary = await member(server, admin, 'secretary', 'Thư ký Phạm Thị Thu');
    chair = await member(server, admin, 'chair', 'Chủ tịch Nguyễn Văn An');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const newMeeting = (over: Record<string, unknown> = {}) =>
    secretary.api.ok('POST', '/api/meetings', { title: 'Hội nghị trực tuyến', description: 'Triển khai nhiệm vụ', startsAt: hours(1), endsAt: hours(3), chairId: chair.id, secretaryId: secretary.id, ...over });

  it(`runs on ${engine}`, () => {
    expect(server.store.dialect).toBe(engine);
  });

  it('a meeting from units to invitation, over HTTP', async () => {
    const province = await admin.ok('POST', '/api/units', { name: 'Tỉnh Hà Giang', level: 'province' });
    const district = await admin.ok('POST', '/api/units', { name: 'Huyện Đồng Văn', level: 'district', parentId: province.id });
    const commune = await admin.ok('POST', '/api/units', { name: 'Xã Lũng Cú', level: 'commune', parentId: district.id });
    const pProvince = await admin.ok('POST', '/api/bridge-points', { unitId: province.id, name: 'Điểm cầu tỉnh', headcount: 120 });
    const pCommune = await admin.ok('POST', '/api/bridge-points', { unitId: commune.id, name: 'Điểm cầu xã Lũng Cú', headcount: 30 });
    const operator = await member(server, admin, 'operator', 'Kỹ thuật Lũng Cú', { bridgePointId: pCommune.id });
    const delegate = await member(server, admin, 'delegate', 'Đại biểu Giàng Seo Phử', { unitId: commune.id });
    expect((await admin.ok('GET', '/api/units')).map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([province.id, district.id, commune.id]));

    const meeting = await newMeeting();
    expect(meeting).toMatchObject({ status: 'draft', description: 'Triển khai nhiệm vụ', can: { edit: true, transition: true, join: false } });
    const agenda = await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, {
      items: [
        { title: 'Khai mạc', presenter: 'Chủ tịch', durationMinutes: 10 },
        { title: 'Báo cáo', durationMinutes: 30 },
      ],
    });
    expect(agenda.agenda.map((a: { position: number; title: string }) => `${a.position}. ${a.title}`)).toEqual(['1. Khai mạc', '2. Báo cáo']);
    const invited = await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { unitIds: [province.id], levels: ['commune'], delegateIds: [delegate.id] });
    expect(invited.invitedPointIds).toEqual([pCommune.id]);
    expect(invited.invitedPointIds).not.toContain(pProvince.id);
    expect(invited.delegateIds).toEqual([delegate.id]);

    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
    for (const who of [operator, delegate]) expect((await who.api.ok('GET', '/api/meetings')).upcoming.map((m: { id: string }) => m.id)).toContain(meeting.id);
    const ics = await delegate.api.call('GET', `/api/meetings/${meeting.id}/invitation.ics`);
    expect(ics.status).toBe(200);
    expect(String(ics.body)).toContain('BEGIN:VEVENT');
    expect(String(ics.body)).toContain('Hội nghị trực tuyến');

    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });
    const socket = await TestSignalingClient.connect(server.url, operator.token);
    const joined = await socket.request('join', { meetingId: meeting.id });
    expect(joined.self).toMatchObject({ displayName: 'Kỹ thuật Lũng Cú', pointName: 'Điểm cầu xã Lũng Cú', unitName: 'Xã Lũng Cú', headcount: 30 });
    socket.close();
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'ended' });

    const audit = await admin.ok('GET', `/api/audit?targetType=meeting&targetId=${meeting.id}`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['meeting.ended', 'meeting.live', 'meeting.published', 'meeting.invitations', 'meeting.agenda', 'meeting.create']);
    expect(audit.every((a: { actorId: string }) => a.actorId === secretary.id)).toBe(true);
  });

  it('a patch changes only the fields it names', async () => {
    const province = await admin.ok('POST', '/api/units', { name: 'Tỉnh Cao Bằng', level: 'province' });
    const district = await admin.ok('POST', '/api/units', { name: 'Huyện Bảo Lạc', level: 'district', parentId: province.id });
    const renamed = await admin.ok('PATCH', `/api/units/${district.id}`, { name: 'Huyện Bảo Lâm' });
    expect(renamed).toEqual({ ...district, name: 'Huyện Bảo Lâm' });
    const relevelled = await admin.ok('PATCH', `/api/units/${district.id}`, { level: 'department' });
    expect(relevelled.parentId).toBe(province.id);
    expect((await admin.ok('PATCH', `/api/units/${district.id}`, { parentId: null })).parentId).toBeNull();

    const meeting = await newMeeting();
    const patched = await secretary.api.ok('PATCH', `/api/meetings/${meeting.id}`, { title: 'Tên mới' });
    expect(patched).toMatchObject({ title: 'Tên mới', description: 'Triển khai nhiệm vụ', startsAt: meeting.startsAt, endsAt: meeting.endsAt });
    expect((await secretary.api.ok('PATCH', `/api/meetings/${meeting.id}`, { description: '' })).description).toBe('');
  });

  it('invitations with one unknown id: 400, the old invitations and the audit log unchanged', async () => {
    const unit = await admin.ok('POST', '/api/units', { name: 'Xã Sủng Là', level: 'commune' });
    const point = await admin.ok('POST', '/api/bridge-points', { unitId: unit.id, name: 'Điểm cầu Sủng Là', headcount: 20 });
    const other = await admin.ok('POST', '/api/bridge-points', { unitId: unit.id, name: 'Nhà văn hóa', headcount: 40 });
    const delegate = await member(server, admin, 'delegate', 'Đại biểu Vàng Thị Mai');
    const meeting = await newMeeting();
    const good = await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { pointIds: [point.id], delegateIds: [delegate.id] });
    const before = await snapshot(server.store.db);
    const res = await secretary.api.call('PUT', `/api/meetings/${meeting.id}/invitations`, { pointIds: [other.id, crypto.randomUUID()], delegateIds: [] });
    expectApiError(res, 400, 'bad_request');
    expectApiError(await secretary.api.call('PUT', `/api/meetings/${meeting.id}/invitations`, { pointIds: [other.id], delegateIds: [crypto.randomUUID()] }), 400, 'bad_request');
    expect(await snapshot(server.store.db)).toEqual(before);
    expect(await secretary.api.ok('GET', `/api/meetings/${meeting.id}`)).toEqual(good);
  });

  it('a secretary who creates a meeting for another secretary gets it back and sees it', async () => {
    const other = await member(server, admin, 'secretary', 'Thư ký Đỗ Văn Hộ');
    const res = await secretary.api.call('POST', '/api/meetings', { title: 'Họp thay', startsAt: hours(2), endsAt: hours(3), chairId: chair.id, secretaryId: other.id });
    expect(res.status).toBe(201);
    expect(res.body.secretaryId).toBe(other.id);
    expect((await secretary.api.ok('GET', '/api/meetings')).upcoming.map((m: { id: string }) => m.id)).toContain(res.body.id);
    expect((await other.api.ok('GET', `/api/meetings/${res.body.id}`)).can.edit).toBe(true);
  });

  it('the meeting pack: upload, new version, confidential readers, publish, comments, agenda edits keep documents', async () => {
    const delegate = await member(server, admin, 'delegate', 'Đại biểu Hoàng Văn Mật');
    const other = await member(server, admin, 'delegate', 'Đại biểu Đinh Thị Khác');
    const meeting = await newMeeting();
    const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo', durationMinutes: 20 }] });
    const item = withAgenda.agenda[0];
    await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [delegate.id, other.id] });
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
    const up = await uploadFile(secretary.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${item.id}`, await makeVietnamesePdf({ pages: 2 }), 'Báo cáo.pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const v2 = await uploadFile(secretary.api, `/api/documents/${up.body.id}/versions`, await makeVietnamesePdf({ pages: 3 }), 'Báo cáo v2.pdf');
    expect(v2.body.versions.map((v: { number: number; size: number }) => [v.number, typeof v.size])).toEqual([
      [2, 'number'],
      [1, 'number'],
    ]);
    await secretary.api.ok('PATCH', `/api/documents/${up.body.id}`, { confidential: true, allowedAccountIds: [delegate.id], allowedRoles: ['observer'] });
    await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Khai mạc', durationMinutes: 5 }, { id: item.id, title: 'Báo cáo (sửa)', durationMinutes: 20 }] });
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);
    const seen = await delegate.api.ok('GET', `/api/meetings/${meeting.id}/documents`);
    expect(seen.items.map((i: { title: string; documents: unknown[] }) => [i.title, i.documents.length])).toEqual([
      ['Khai mạc', 0],
      ['Báo cáo (sửa)', 1],
    ]);
    expect((await other.api.ok('GET', `/api/meetings/${meeting.id}/documents`)).items[1].documents).toEqual([]);
    await delegate.api.ok('POST', `/api/meetings/${meeting.id}/comments`, { documentId: up.body.id, body: 'Góp ý' });
    expect((await other.api.ok('GET', `/api/meetings/${meeting.id}/comments`)).length).toBe(0);
    expect((await delegate.api.ok('GET', `/api/meetings/${meeting.id}/comments`)).map((c: { body: string }) => c.body)).toEqual(['Góp ý']);
  });
});
