/**
 * Who may list, watch, download and delete a meeting's recordings (issue 14), without recording
 * anything: a finished recording's row and archive file are put in place as the composer leaves
 * them. Invitees and organisers list and watch it (a confidential one: organisers only); an
 * outsider gets 404 even with the archive's URL; only the secretary deletes, and that is audited.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { startTestServer } from '../support/test-server';

describe('recording access', () => {
  let server: RunningServer & { dataDir: string };
  let recordingsDir: string;
  beforeAll(async () => {
    recordingsDir = path.join(fs.mkdtempSync(path.join(process.env['TMPDIR'] ?? '/tmp', 'phonghop-rec-')), 'recordings');
    server = await startTestServer({ RECORDINGS_DIR: recordingsDir });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function finishedRecording(meetingId: string, startedBy: string, confidential: boolean): Promise<{ id: string; bytes: Buffer }> {
    const id = randomUUID();
    const bytes = Buffer.from(`not really an MP4 ${id}`);
    fs.mkdirSync(path.join(recordingsDir, id), { recursive: true });
    fs.writeFileSync(path.join(recordingsDir, id, 'archive.mp4'), bytes);
    const now = new Date().toISOString();
    await server.store.db
      .insertInto('recordings')
      .values({ id, meeting_id: meetingId, status: 'ready', confidential: confidential ? 1 : 0, started_by: startedBy, started_at: now, stopped_by: startedBy, stopped_at: now, progress: 1, duration_seconds: 1, size_bytes: bytes.length, sha256: null } as never)
      .execute();
    return { id, bytes };
  }

  it('invitees watch, outsiders get 404 even with the URL, only the secretary deletes (audited)', async () => {
    const admin = await TestApi.admin(server.url);
    const delegate = await person(admin, 'delegate', 'Đại biểu Lê Văn Dự');
    const outsider = await person(admin, 'delegate', 'Người ngoài');
    const meeting = await liveMeeting(admin, [delegate], 'Hội nghị có bản ghi hình');
    const rec = await finishedRecording(meeting.id, meeting.chair.id, false);

    const listed = await delegate.api.ok('GET', `/api/meetings/${meeting.id}/recordings`);
    expect(listed.recordings.map((r: { id: string }) => r.id)).toEqual([rec.id]);
    expect((await outsider.api.call('GET', `/api/meetings/${meeting.id}/recordings`)).status).toBe(404);

    const url = `${server.url}/api/recordings/${rec.id}/archive.mp4`;
    const watched = await fetch(url, { headers: { authorization: `Bearer ${delegate.token}`, range: 'bytes=0-3' } });
    expect(watched.status).toBe(206);
    expect(Buffer.from(await watched.arrayBuffer())).toEqual(rec.bytes.subarray(0, 4));
    const refused = await fetch(url, { headers: { authorization: `Bearer ${outsider.token}` } });
    expect(refused.status).toBe(404);
    expect((await fetch(url)).status).toBe(401);

    expect((await delegate.api.call('DELETE', `/api/recordings/${rec.id}`)).status).toBe(403);
    expect((await outsider.api.call('DELETE', `/api/recordings/${rec.id}`)).status).toBe(404);
    expect((await meeting.chair.api.call('DELETE', `/api/recordings/${rec.id}`)).status).toBe(403);
    expect((await meeting.secretary.api.call('DELETE', `/api/recordings/${rec.id}`)).status).toBe(204);
    expect(fs.existsSync(path.join(recordingsDir, rec.id, 'archive.mp4'))).toBe(false);
    expect((await fetch(url, { headers: { authorization: `Bearer ${delegate.token}` } })).status).toBe(404);
    const audit = await server.store.db.selectFrom('audit_log').select('action').where('action', '=', 'recording.delete').execute();
    expect(audit).toHaveLength(1);
  });

  it('a confidential recording is for the organisers only', async () => {
    const admin = await TestApi.admin(server.url);
    const delegate = await person(admin, 'delegate', 'Đại biểu Phạm Thị Mật');
    const meeting = await liveMeeting(admin, [delegate], 'Hội nghị mật');
    const rec = await finishedRecording(meeting.id, meeting.chair.id, true);
    const url = `${server.url}/api/recordings/${rec.id}/archive.mp4`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${delegate.token}` } })).status).toBe(404);
    expect((await delegate.api.ok('GET', `/api/meetings/${meeting.id}/recordings`)).recordings).toEqual([]);
    expect((await fetch(url, { headers: { authorization: `Bearer ${meeting.secretary.token}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: `Bearer ${meeting.chair.token}` } })).status).toBe(200);
  });
});
