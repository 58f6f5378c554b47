/**
 * A live broadcast across a real server restart: on when the server stops, it comes back on by
 * itself when a new server starts on the same data (its meeting still live), audited
 * `broadcast.resume` with the gap; the viewer's URL keeps working and its playlist goes on after a
 * discontinuity with the new run's segments once the point is back. Turned off, it stays off across
 * the next restart.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { eventually } from '../support/collab-client';
import { joinColourPoint } from '../support/colour-point';
import { stopAll } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

const ENV = { PLAIN_RTP_ENABLED: '1', HEARTBEAT_SECONDS: '15' };
let server: RunningServer & { dataDir: string };
const senders: ChildProcess[] = [];
const sockets: TestSignalingClient[] = [];

afterAll(async () => {
  stopAll(senders);
  for (const s of sockets) s.close();
  await server?.close();
});

/** A bridge point sending a red picture and a tone over plain RTP. */
async function point(p: Person, meetingId: string, ssrcBase: number): Promise<void> {
  const { client, senders: s } = await joinColourPoint(server.url, p.token, meetingId, 'red', 440, ssrcBase);
  sockets.push(client);
  senders.push(...s);
}

describe('live broadcast across a server restart', () => {
  it('comes back on by itself, with the gap audited, and the viewer’s playlist goes on', { timeout: 300_000 }, async () => {
    server = await startTestServer(ENV);
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu Đỏ');
    const viewer = await person(admin, 'observer', 'Người theo dõi');
    const meeting = await liveMeeting(admin, [a]);
    await meeting.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/viewers`, { accountIds: [viewer.id] });
    await point(a, meeting.id, 1000);
    const on = await meeting.chair.api.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true });
    const url = server.url + (await viewer.api.ok('GET', `/api/meetings/${meeting.id}/broadcast`)).playlistUrl;
    const segmentsOf = (text: string) => text.split('\n').filter((l) => l.endsWith('.ts'));
    const playlist = async (base = server.url) => {
      const res = await fetch(base + new URL(url).pathname);
      return res.status === 200 ? await res.text() : '';
    };
    await eventually(async () => expect(segmentsOf(await playlist()).length).toBeGreaterThanOrEqual(2), 90_000);
    const before = segmentsOf(await playlist());
    const runBefore = /^seg-([0-9a-z]+)-/.exec(before[0]!)![1];

    // The server stops (its clients go with it) and a new one starts on the same data.
    const dataDir = server.dataDir;
    stopAll(senders.splice(0));
    for (const s of sockets.splice(0)) s.close();
    const stoppedAt = Date.now();
    await server.close();
    server = await startTestServer({ ...ENV, DATA_DIR: dataDir });
    expect(server.broadcast.isOn(meeting.id)).toBe(true);
    await server.broadcast.resumed.get(meeting.id);

    // Audited with the gap: from the last playlist the old server wrote to the new server's start.
    const resumed = await server.store.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', meeting.id).where('action', '=', 'broadcast.resume').execute();
    expect(resumed).toHaveLength(1);
    const details = JSON.parse(String(resumed[0]!.details)) as { since: string; reason: string; gap: { from: string; to: string } };
    expect(details).toMatchObject({ since: on.since, reason: 'server-restart' });
    expect(Date.parse(details.gap.from)).toBeLessThanOrEqual(stoppedAt);
    expect(Date.parse(details.gap.to)).toBeGreaterThanOrEqual(stoppedAt);

    // The chair sees it on, since the first start; the viewer's URL still works (the playlist kept).
    const chairApi = await TestApi.login(server.url, meeting.chair.username, 'Mat-khau-thu-1');
    expect(await chairApi.ok('GET', `/api/meetings/${meeting.id}/broadcast`)).toMatchObject({ on: true, since: on.since });
    expect(segmentsOf(await playlist())).toEqual(expect.arrayContaining(before.slice(-1)));

    // The point comes back: new segments of a new run follow a discontinuity in the same playlist.
    await point({ ...a, token: (await TestApi.login(server.url, a.username, 'Mat-khau-thu-1')).token! }, meeting.id, 3000);
    let after = '';
    await eventually(async () => {
      after = await playlist();
      expect(segmentsOf(after).filter((s) => !s.startsWith(`seg-${runBefore}-`)).length).toBeGreaterThanOrEqual(2);
    }, 120_000);
    expect(after).toContain('#EXT-X-DISCONTINUITY');
    const fresh = segmentsOf(after).at(-1)!;
    expect((await fetch(server.url + new URL(url).pathname.replace('index.m3u8', fresh))).status).toBe(200);

    // Turned off, it stays off across the next restart.
    await chairApi.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: false });
    stopAll(senders.splice(0));
    for (const s of sockets.splice(0)) s.close();
    await server.close();
    server = await startTestServer({ ...ENV, DATA_DIR: dataDir });
    expect(server.broadcast.isOn(meeting.id)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'broadcast', 'state', `${meeting.id}.json`))).toBe(false);
  });
});
