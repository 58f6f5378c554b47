/**
 * Watch-only invitations (người theo dõi) and who may watch the live broadcast: a viewer sees the
 * meeting, its agenda and its published documents, and gets the broadcast's playlist; the server
 * refuses its join (no WebRTC seat), its ballot, its annotations (private layer refused, shared
 * layer read-only), and it cannot turn the broadcast on. An uninvited account gets no playlist and
 * cannot fetch the playlist or a segment, with its own session, a forged or swapped token, or a
 * token whose invitation was withdrawn.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { eventually, firstClose, stockClient, synced, type StockClient } from '../support/collab-client';
import { uploadFile } from '../support/documents';
import { makeSamplePdf } from '../support/sample-pdf';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { errorCode } from '../support/voting';

let server: RunningServer & { dataDir: string };
let admin: TestApi;
let delegate: Person, viewer: Person, outsider: Person;
let meeting: Awaited<ReturnType<typeof liveMeeting>>;
let docId: string;
const sockets: TestSignalingClient[] = [];
const collabs: StockClient[] = [];

beforeAll(async () => {
  // No ffmpeg here (the composition is tested in broadcast-live): the files are written by the test.
  server = await startTestServer({ BROADCAST_FFMPEG: '/nonexistent/ffmpeg' });
  admin = await TestApi.admin(server.url);
  delegate = await person(admin, 'delegate', 'Đại biểu Lê Văn An');
  viewer = await person(admin, 'observer', 'Cán bộ theo dõi Hoàng Thị Xem');
  outsider = await person(admin, 'delegate', 'Người ngoài cuộc họp');
  // Prepared before it goes live: agenda, a published pack, and the watch-only invitation.
  const chair = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  const secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  const start = new Date(Date.now() + 60_000);
  const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Hội nghị trực tuyến toàn tỉnh', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${m.id}/agenda`, { items: [{ title: 'Báo cáo kinh tế - xã hội', presenter: 'Sở KH-ĐT', durationMinutes: 20 }] });
  await secretary.api.ok('PUT', `/api/meetings/${m.id}/invitations`, { delegateIds: [delegate.id] });
  const uploaded = await uploadFile(secretary.api, `/api/meetings/${m.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeSamplePdf({ pages: 1 }), 'bao-cao.pdf');
  expect(uploaded.status).toBe(201);
  docId = uploaded.body.id;
  await secretary.api.ok('POST', `/api/meetings/${m.id}/documents/publish`);
  expect(await secretary.api.ok('PUT', `/api/meetings/${m.id}/viewers`, { accountIds: [viewer.id] })).toMatchObject({ accountIds: [viewer.id] });
  await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'published' });
  await secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'live' });
  meeting = { id: m.id, chair, secretary };
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const c of collabs) c.destroy();
  await server?.close();
});

async function connect(p: Person): Promise<TestSignalingClient> {
  const c = await TestSignalingClient.connect(server.url, p.token);
  sockets.push(c);
  return c;
}

describe('a watch-only viewer', () => {
  it('sees the meeting, its agenda and its published documents, and lists it among its meetings', async () => {
    const m = await viewer.api.ok('GET', `/api/meetings/${meeting.id}`);
    expect(m.agenda.map((a: { title: string }) => a.title)).toEqual(['Báo cáo kinh tế - xã hội']);
    expect(m.can).toEqual({ edit: false, transition: false, join: false });
    const pack = await viewer.api.ok('GET', `/api/meetings/${meeting.id}/documents`);
    expect(pack.items.flatMap((i: { documents: { id: string }[] }) => i.documents.map((d) => d.id))).toEqual([docId]);
    const mine = await viewer.api.ok('GET', '/api/meetings');
    expect(mine.live.map((x: { id: string }) => x.id)).toContain(meeting.id);
    const state = await viewer.api.ok('GET', `/api/meetings/${meeting.id}/broadcast`);
    expect(state).toMatchObject({ on: false, canWatch: true, canManage: false, watchOnly: true, playlistUrl: null });
  });

  it('is refused a seat in the conference with watch_only', async () => {
    const c = await connect(viewer);
    expect(await errorCode(c, 'join', { meetingId: meeting.id })).toBe('watch_only');
    // …and nothing that needs a seat: asking to speak is refused as for anyone outside the room.
    expect(await errorCode(c, 'floor.request', {})).toBe('not_joined');
  });

  it('cannot vote: its ballot is refused (it has no seat, so no ballot reaches the vote)', async () => {
    const chair = await connect(meeting.chair);
    await chair.request('join', { meetingId: meeting.id });
    const created = await chair.request('vote.create', { question: 'Thông qua báo cáo?', durationSeconds: null });
    await chair.request('vote.open', { voteId: created.vote.id });
    const c = await connect(viewer);
    expect(await errorCode(c, 'vote.cast', { voteId: created.vote.id, choices: ['tan-thanh'] })).toBe('not_joined');
    // Its join having been refused, it cannot get there another way either.
    expect(await errorCode(c, 'join', { meetingId: meeting.id })).toBe('watch_only');
    expect(await errorCode(c, 'vote.cast', { voteId: created.vote.id, choices: ['tan-thanh'] })).toBe('not_joined');
    const stored = await server.store.db.selectFrom('vote_voters').select('account_id').where('vote_id', '=', created.vote.id).where('account_id', '=', viewer.id).execute();
    expect(stored).toEqual([]);
  });

  it('cannot annotate: its private layer is refused and the shared layer is read-only for it', async () => {
    const own = stockClient(server.url, `doc/${docId}/private/${viewer.id}`, viewer.token);
    collabs.push(own);
    expect((await firstClose(own)).code).toBe(4403);
    // The delegate writes in the shared layer; the viewer reads it but its own writes are not kept.
    const writer = stockClient(server.url, `doc/${docId}/shared`, delegate.token);
    const reader = stockClient(server.url, `doc/${docId}/shared`, viewer.token, new Y.Doc());
    collabs.push(writer, reader);
    await Promise.all([synced(writer), synced(reader)]);
    writer.doc.getArray<string>('strokes').push(['của đại biểu']);
    await eventually(() => expect(reader.doc.getArray<string>('strokes').toArray()).toEqual(['của đại biểu']));
    reader.doc.getArray<string>('strokes').push(['của người theo dõi']);
    await new Promise((r) => setTimeout(r, 500));
    const fresh = stockClient(server.url, `doc/${docId}/shared`, delegate.token, new Y.Doc());
    collabs.push(fresh);
    await synced(fresh);
    expect(fresh.doc.getArray<string>('strokes').toArray()).toEqual(['của đại biểu']);
  });

  it('cannot turn the broadcast on (nor can a delegate); the chair can, and that is audited', async () => {
    expect((await viewer.api.call('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true })).status).toBe(403);
    expect((await delegate.api.call('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true })).status).toBe(403);
    expect((await outsider.api.call('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true })).status).toBe(404);
    const on = await meeting.chair.api.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true });
    expect(on).toMatchObject({ on: true, canManage: true });
    const audited = await server.store.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', meeting.id).where('action', 'like', 'broadcast.%').execute();
    expect(audited).toEqual([{ action: 'broadcast.start', actor_id: meeting.chair.id }]);
    // No ffmpeg on this server: the state says so (the chair sees why), the room does not crash.
    await eventually(async () => expect(await meeting.chair.api.ok('GET', `/api/meetings/${meeting.id}/broadcast`)).toMatchObject({ phase: 'failed', error: expect.stringContaining('ffmpeg') }));
  });
});

describe('the broadcast files', () => {
  let viewerUrl: string;
  const dir = () => server.broadcast.dirOf(meeting.id);

  beforeAll(async () => {
    const state = await viewer.api.ok('GET', `/api/meetings/${meeting.id}/broadcast`);
    viewerUrl = state.playlistUrl;
    expect(viewerUrl).toMatch(new RegExp(`^/live/${meeting.id}/[A-Za-z0-9_.-]+/index\\.m3u8$`));
    // The playlist and a segment as ffmpeg leaves them (this server has no ffmpeg).
    fs.mkdirSync(dir(), { recursive: true });
    fs.writeFileSync(path.join(dir(), 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg-mk1-000001.ts\n');
    fs.writeFileSync(path.join(dir(), 'seg-mk1-000001.ts'), Buffer.alloc(188 * 10, 0x47));
  });

  const get = (url: string, api?: TestApi) => fetch(server.url + url, { headers: api?.token ? { authorization: `Bearer ${api.token}` } : {} });
  const segmentOf = (url: string) => url.replace('index.m3u8', 'seg-mk1-000001.ts');

  it('an invited viewer fetches the playlist and a segment with its URL', async () => {
    const playlist = await get(viewerUrl);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(await playlist.text()).toContain('seg-mk1-000001.ts');
    const seg = await get(segmentOf(viewerUrl));
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    expect(Buffer.from(await seg.arrayBuffer()).length).toBe(1880);
  });

  it('the playlist is served from memory, and the new one within the segment interval after ffmpeg rewrites it; refusals still hold', async () => {
    const first = await get(viewerUrl);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // The same version again: 304 with its ETag, no body.
    const same = await fetch(server.url + viewerUrl, { headers: { 'if-none-match': etag! } });
    expect(same.status).toBe(304);
    // ffmpeg's hls muxer writes the new playlist under a temporary name and renames it.
    const next = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg-mk1-000001.ts\n#EXTINF:1.0,\nseg-mk1-000002.ts\n';
    fs.writeFileSync(path.join(dir(), 'index.m3u8.tmp'), next);
    const rewrittenAt = Date.now();
    fs.renameSync(path.join(dir(), 'index.m3u8.tmp'), path.join(dir(), 'index.m3u8'));
    let seen = '';
    while (!seen.includes('seg-mk1-000002.ts') && Date.now() - rewrittenAt < 3_000) {
      seen = await (await get(viewerUrl)).text();
      if (!seen.includes('seg-mk1-000002.ts')) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe(next);
    // Never older than the 1-s segment (checked every 250 ms; the margin is for a loaded machine's event loop).
    expect(Date.now() - rewrittenAt).toBeLessThan(1_000);
    const changed = await fetch(server.url + viewerUrl, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    // The playlist in memory is no way around the check: every request is still refused without a valid token.
    const [, , , token] = viewerUrl.split('/');
    for (const url of [`/live/${meeting.id}/x/index.m3u8`, `/live/${meeting.id}/${token!.split('.')[0]}/index.m3u8`, viewerUrl.replace(meeting.id, '00000000-0000-4000-8000-000000000000')]) {
      const res = await get(url, outsider.api);
      expect(res.status, url).toBe(403);
      expect(await res.text()).not.toContain('seg-mk1');
    }
  });

  it('an uninvited account gets no playlist URL, and cannot fetch the files with its own session, a forged or a swapped token', async () => {
    expect((await outsider.api.call('GET', `/api/meetings/${meeting.id}/broadcast`)).status).toBe(404);
    const [, , , token] = viewerUrl.split('/');
    const [body] = token!.split('.');
    const attempts = [
      // Its own session, no token (the cookie or bearer does not open /live/).
      `/live/${meeting.id}/x/index.m3u8`,
      // A token with the signature cut or altered.
      `/live/${meeting.id}/${body}/index.m3u8`,
      `/live/${meeting.id}/${body}.${'A'.repeat(43)}/index.m3u8`,
      // The viewer's token on another meeting's path.
      viewerUrl.replace(meeting.id, '00000000-0000-4000-8000-000000000000'),
    ];
    for (const url of attempts) {
      for (const u of [url, segmentOf(url)]) {
        const res = await get(u, outsider.api);
        expect(res.status, u).toBe(403);
      }
    }
    // A token that names the outsider cannot be made without the server's key: the API never gives one.
    const forged = Buffer.from(JSON.stringify([meeting.id, outsider.id, 'session', Math.floor(Date.now() / 1000) + 3600])).toString('base64url');
    expect((await get(`/live/${meeting.id}/${forged}.${token!.split('.')[1]}/index.m3u8`, outsider.api)).status).toBe(403);
  });

  it('the nginx auth_request endpoint answers the same: 204 for the viewer’s URL, 403 otherwise', async () => {
    const ask = (uri: string) => fetch(`${server.url}/api/live-auth`, { headers: { 'x-original-uri': uri } });
    expect((await ask(segmentOf(viewerUrl))).status).toBe(204);
    expect((await ask(`/live/${meeting.id}/nope/index.m3u8`)).status).toBe(403);
    expect((await ask('/elsewhere')).status).toBe(403);
  });

  it('withdrawing the watch-only invitation closes the viewer’s URL within seconds', async () => {
    await meeting.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/viewers`, { accountIds: [] });
    await eventually(async () => expect((await get(viewerUrl)).status).toBe(403), 8_000);
    expect((await get(segmentOf(viewerUrl))).status).toBe(403);
    expect((await viewer.api.call('GET', `/api/meetings/${meeting.id}`)).status).toBe(404);
  });
});
