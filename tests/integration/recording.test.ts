/**
 * Recording (issue 14) on a real server: a 3-point conference of headless points (ffmpeg sends a
 * tone and a test picture each) with a floor change and a screen share is recorded raw and
 * composed into an MP4, checked with ffprobe (duration, streams, dimensions) and with ffmpeg's
 * astats (the tone of each point heard, in the time range it was heard; the muted point's tone
 * nowhere). Refusals: a delegate cannot start recording; an uninvited account cannot fetch the
 * archive, even with its URL.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffprobeJson } from '../../sfu-server/src/media/ffmpeg';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { sendPicture, vp8Parameters } from '../support/ffmpeg-point';
import { toneLevel } from '../support/media-probe';
import { TestSignalingClient } from '../support/signaling-test-client';
import { joinMicPoint, useRecordingServer } from '../support/recording-meeting';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recording a conference', () => {
  const ctx = useRecordingServer();
  const { children, clients } = ctx;

  it('records 3 points with a floor change and a screen share into one MP4 with the tones heard', { timeout: 450_000 }, async () => {
    const server = ctx.server;
    const admin = await TestApi.admin(server.url);
    const points = [await person(admin, 'operator', 'Xã Một'), await person(admin, 'operator', 'Xã Hai'), await person(admin, 'operator', 'Xã Ba')];
    const delegate = await person(admin, 'delegate', 'Đại biểu Lê Văn Dự');
    const outsider = await person(admin, 'delegate', 'Người ngoài');
    const meeting = await liveMeeting(admin, [...points, delegate], 'Hội nghị ghi hình thử');

    // The chair joins; its camera is a plain sender made on the server for it (chairs have no plain RTP).
    const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
    clients.push(chair);
    const chairJoin = await chair.request('join', { meetingId: meeting.id });
    const room = server.rooms.find(meeting.id)!;
    const chairPeer = room.peers.get(chairJoin.peerId)!;
    const chairSend = await room.createPlainTransport(chairPeer, 'send');
    await room.produce(chairPeer, { transportId: chairSend.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(3000) as never });
    children.push(sendPicture(320, 180, 3000, chairSend.ip, chairSend.port, 'smptebars'));

    // Three points: tones 440, 660, 880 Hz; the second starts muted (waits for the floor), the third stays muted.
    const tones = [440, 660, 880];
    const joined: Array<{ client: TestSignalingClient; peerId: string; mic: string }> = [];
    for (const [i, p] of points.entries()) joined.push(await joinMicPoint(ctx, p.token, meeting.id, { ssrc: 1000 + i, tone: tones[i]!, paused: i > 0, pictureSsrc: 2000 + i }));
    const d = await TestSignalingClient.connect(server.url, delegate.token);
    clients.push(d);
    await d.request('join', { meetingId: meeting.id });
    await sleep(1500);

    // A delegate may not start recording.
    expect(await d.requestFrame('recording.start', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The chair starts it: everyone in the room is told.
    const started = await chair.request('recording.start', {});
    expect(started).toMatchObject({ active: true, canManage: true });
    const t0 = Date.now();
    for (const c of [d, ...joined.map((j) => j.client)]) expect(await c.notification('recording.changed', (n) => n.active === true)).toMatchObject({ recordingId: started.recordingId });
    expect(await d.request('recording.state', {})).toMatchObject({ active: true, canManage: false });

    // 0–7 s: point 1 speaks. Then it stops and the chair gives the floor to point 2.
    await sleep(7000 - (Date.now() - t0));
    const tFloor = (Date.now() - t0) / 1000;
    await joined[0]!.client.request('pauseProducer', { producerId: joined[0]!.mic });
    await chair.request('floor.give', { accountId: points[1]!.id });
    // 10 s: point 1 shares its screen.
    await sleep(10_000 - (Date.now() - t0));
    const tScreen = (Date.now() - t0) / 1000;
    const screenSend = await joined[0]!.client.request('media.createPlainTransport', { direction: 'send' });
    const screen = await joined[0]!.client.request('produce', { transportId: screenSend.id, kind: 'video', source: 'screen', rtpParameters: vp8Parameters(4000) });
    expect(screen.id).toBeTruthy();
    children.push(sendPicture(640, 360, 4000, screenSend.ip, screenSend.port, 'testsrc'));
    await sleep(16_000 - (Date.now() - t0));
    const stopped = await chair.request('recording.stop', {});
    const total = (Date.now() - t0) / 1000;
    expect(stopped.active).toBe(false);
    expect(await d.notification('recording.changed', (n) => n.active === false)).toBeTruthy();

    // Raw segments were written while it ran (more than one per stream: 4 s segments).
    const dir = path.join(server.dataDir, 'recordings', started.recordingId!);
    const timeline = fs.readFileSync(path.join(dir, 'timeline.jsonl'), 'utf8');
    expect(timeline).toContain('"type":"floor"');
    expect(timeline).toContain('"type":"screen"');

    await server.recordings.whenComposed();
    const list = await meeting.secretary.api.ok('GET', `/api/meetings/${meeting.id}/recordings`);
    const rec = list.recordings[0];
    expect(rec).toMatchObject({ status: 'ready', canWatch: true, canDelete: true });
    expect(fs.existsSync(path.join(dir, 'raw'))).toBe(false);
    const mp4 = path.join(dir, 'archive.mp4');
    expect(createHash('sha256').update(fs.readFileSync(mp4)).digest('hex')).toBe(rec.sha256);
    expect(rec.sizeBytes).toBe(fs.statSync(mp4).size);

    const probe = await ffprobeJson(mp4);
    const v = probe.streams!.find((s) => s.codec_type === 'video')!;
    const a = probe.streams!.find((s) => s.codec_type === 'audio')!;
    expect(v).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(a.codec_name).toBe('aac');
    expect(Math.abs(Number(probe.format!.duration) - total)).toBeLessThan(1.5);

    // Point 1 (440 Hz) heard before the floor change, point 2 (660 Hz) after; point 3 (880 Hz) never.
    const before = [1.5, tFloor - 1];
    const after = [tFloor + 2, total - 1];
    const level = (f: number, r: number[]) => toneLevel(mp4, f, r[0]!, r[1]!);
    const l440b = await level(440, before);
    const l660b = await level(660, before);
    const l440a = await level(440, after);
    const l660a = await level(660, after);
    const l880 = await level(880, [1, total - 1]);
    expect(l440b).toBeGreaterThan(-35);
    expect(l440b - l660b).toBeGreaterThan(20);
    expect(l660a).toBeGreaterThan(-35);
    expect(l660a - l440a).toBeGreaterThan(20);
    expect(l440b - l880).toBeGreaterThan(20);
    expect(tScreen).toBeGreaterThan(tFloor);

    // Watching: an invited delegate may (ranges for players); an outsider gets 404 even with the URL.
    const url = `${server.url}/api/recordings/${rec.id}/archive.mp4`;
    const ok = await fetch(url, { headers: { authorization: `Bearer ${delegate.token}`, range: 'bytes=0-99' } });
    expect(ok.status).toBe(206);
    expect((await ok.arrayBuffer()).byteLength).toBe(100);
    const refused = await fetch(url, { headers: { authorization: `Bearer ${outsider.token}` } });
    expect(refused.status).toBe(404);
    expect((await outsider.api.call('GET', `/api/meetings/${meeting.id}/recordings`)).status).toBe(404);

    // Deleting: not the delegate; the secretary, audited.
    expect((await delegate.api.call('DELETE', `/api/recordings/${rec.id}`)).status).toBe(403);
    expect((await meeting.secretary.api.call('DELETE', `/api/recordings/${rec.id}`)).status).toBe(204);
    expect(fs.existsSync(dir)).toBe(false);
    const auditRows = await server.store.db.selectFrom('audit_log').select('action').where('action', 'like', 'recording.%').execute();
    expect(auditRows.map((r) => r.action).sort()).toEqual(['recording.delete', 'recording.start', 'recording.stop']);
  });
});
