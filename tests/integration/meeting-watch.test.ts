/**
 * Watching a meeting's page through signaling, without joining: who may watch, and the pushes that
 * reach the watchers when the pack is published, the meeting changes state, or a document to sign
 * is added. A notification names only the part that changed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_WATCHED_MEETINGS } from '../../common/protocol';
import type { RunningServer } from '../../sfu-server/src/server';
import { person, TestApi, type Person } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { errorCode } from '../support/voting';

let server: RunningServer;

/** A published meeting with one agenda item, the delegate invited, run by `org`'s chair and secretary. */
async function publishedMeeting(org: { chair: Person; secretary: Person }, delegate: Person, title = 'Họp giao ban theo dõi'): Promise<string> {
  const start = new Date(Date.now() + 3600_000);
  const meeting = await org.secretary.api.ok('POST', '/api/meetings', { title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), chairId: org.chair.id, secretaryId: org.secretary.id });
  await org.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo kinh tế - xã hội', durationMinutes: 30 }] });
  await org.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { pointIds: [], delegateIds: [delegate.id] });
  await org.secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
  return meeting.id as string;
}

async function organisers(admin: TestApi) {
  return { chair: await person(admin, 'chair', 'Chủ tọa Theo Dõi'), secretary: await person(admin, 'secretary', 'Thư ký Theo Dõi') };
}
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it('pushes which part of a watched meeting changed to those who may see it, and to no one else', async () => {
  const admin = await TestApi.admin(server.url);
  const delegate = await person(admin, 'delegate', 'Đại biểu Theo Dõi');
  const outsider = await person(admin, 'delegate', 'Người ngoài cuộc họp');
  const org = await organisers(admin);
  const m = { id: await publishedMeeting(org, delegate), secretary: org.secretary };

  const watcher = await TestSignalingClient.connect(server.url, delegate.token);
  expect(await watcher.request('meeting.watch', { meetingId: m.id })).toEqual({ meetingId: m.id });
  // Someone not invited learns nothing, not even that the meeting exists.
  const stranger = await TestSignalingClient.connect(server.url, outsider.token);
  expect(await errorCode(stranger, 'meeting.watch', { meetingId: m.id })).toBe('not_found');
  expect(await errorCode(stranger, 'meeting.watch', { meetingId: 'not a meeting id with spaces and far too long to be an id at all ....' })).toBe('bad_request');

  // The secretary uploads a document and publishes the pack: the watcher is told "pack".
  const meeting = await m.secretary.api.ok('GET', `/api/meetings/${m.id}`);
  const up = await uploadFile(m.secretary.api, `/api/meetings/${m.id}/documents?agendaItemId=${meeting.agenda[0].id}`, await makeVietnamesePdf({ pages: 1 }), 'bao-cao.pdf');
  expect(up.status).toBe(201);
  expect(await watcher.notification('meetingChanged', (d) => d.topic === 'pack')).toEqual({ meetingId: m.id, topic: 'pack' });
  watcher.notifications.length = 0;
  await m.secretary.api.ok('POST', `/api/meetings/${m.id}/documents/publish`);
  expect(await watcher.notification('meetingChanged', (d) => d.topic === 'pack')).toEqual({ meetingId: m.id, topic: 'pack' });

  // The meeting starts: "meeting"; a document to sign: "signatures"; the meeting ends: "meeting".
  await m.secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'live' });
  expect(await watcher.notification('meetingChanged', (d) => d.topic === 'meeting')).toEqual({ meetingId: m.id, topic: 'meeting' });
  watcher.notifications.length = 0;
  const pdf = await makeVietnamesePdf({ pages: 1 });
  const res = await fetch(`${server.url}/api/meetings/${m.id}/signed-documents?title=${encodeURIComponent('Biên bản')}&fileName=bien-ban.pdf`, {
    method: 'POST',
    headers: { authorization: `Bearer ${m.secretary.token}`, 'content-type': 'application/pdf' },
    body: new Uint8Array(pdf),
  });
  expect(res.status).toBe(201);
  expect(await watcher.notification('meetingChanged', (d) => d.topic === 'signatures')).toEqual({ meetingId: m.id, topic: 'signatures' });
  await m.secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'ended' });
  expect(await watcher.notification('meetingChanged', (d) => d.topic === 'meeting')).toEqual({ meetingId: m.id, topic: 'meeting' });

  // The stranger's connection heard none of it; after unwatch, the watcher hears no more.
  expect(stranger.notifications.filter((n) => n.name === 'meetingChanged')).toEqual([]);
  await watcher.request('meeting.unwatch', { meetingId: m.id });
  expect(server.meetingWatch.watcherCount(m.id)).toBe(0);
  watcher.close();
  stranger.close();
}, 60_000);

it('ends the watches of a closed connection and limits how many meetings one connection watches', async () => {
  const admin = await TestApi.admin(server.url);
  const delegate = await person(admin, 'delegate', 'Đại biểu Nhiều Cuộc Họp');
  const org = await organisers(admin);
  const ids: string[] = [];
  for (let i = 0; i <= MAX_WATCHED_MEETINGS; i++) ids.push(await publishedMeeting(org, delegate, `Cuộc họp số ${i + 1}`));
  const c = await TestSignalingClient.connect(server.url, delegate.token);
  for (const id of ids.slice(0, MAX_WATCHED_MEETINGS)) await c.request('meeting.watch', { meetingId: id });
  // Watching the same meeting again is fine; one more is refused.
  await c.request('meeting.watch', { meetingId: ids[0]! });
  expect(await errorCode(c, 'meeting.watch', { meetingId: ids[MAX_WATCHED_MEETINGS]! })).toBe('too_large');
  expect(server.meetingWatch.watcherCount(ids[0]!)).toBe(1);
  c.close();
  await expect.poll(() => server.meetingWatch.watcherCount(ids[0]!)).toBe(0);
}, 120_000);
