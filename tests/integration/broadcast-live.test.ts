/**
 * The live broadcast end to end on a real server: two bridge points send pictures (ffmpeg, VP8 over
 * plain RTP: point A a red picture, point B a blue one) and tones; the chair turns the broadcast on;
 * a watch-only viewer fetches the HLS playlist and segments with its URL (H.264 1280×720 + AAC);
 * when the chair gives the floor to B, the large picture of the broadcast becomes B's (its colour is
 * read from decoded frames) without a new ffmpeg (B's camera is read from the start; the switch is a
 * filter command). Prints how long the switch took, from `floor.give` to the first segment showing B
 * on the viewer's playlist.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { eventually } from '../support/collab-client';
import { joinColourPoint } from '../support/colour-point';
import { stopAll } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
const senders: ChildProcess[] = [];
const sockets: TestSignalingClient[] = [];

/** A plain picture of one colour as VP8 RTP (the point's "camera"). */
async function point(p: Person, meetingId: string, colour: string, tone: number, ssrcBase: number): Promise<TestSignalingClient> {
  const { client, senders: s } = await joinColourPoint(server.url, p.token, meetingId, colour, tone, ssrcBase);
  sockets.push(client);
  senders.push(...s);
  return client;
}

/** Mean R, G, B of the centre of the first frame of a segment. */
async function centreColour(segment: Buffer): Promise<[number, number, number]> {
  const child = execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-frames:v', '1', '-vf', 'crop=200:200:540:260,scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer' });
  const out = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => chunks.push(d));
    child.once('exit', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg exited ${code}`))));
  });
  child.stdin!.end(segment);
  const px = await out;
  return [px[0]!, px[1]!, px[2]!];
}

const isRed = ([r, g, b]: [number, number, number]) => r > 150 && g < 80 && b < 80;
const isBlue = ([r, g, b]: [number, number, number]) => b > 150 && r < 80 && g < 80;

beforeAll(async () => {
  // Generous heartbeats: the points are Node clients on a shared, loaded machine.
  server = await startTestServer({ PLAIN_RTP_ENABLED: '1', HEARTBEAT_SECONDS: '15' });
});

afterAll(async () => {
  stopAll(senders);
  for (const s of sockets) s.close();
  await server?.close();
});

describe('live broadcast', () => {
  it('composes the points into HLS that an invited viewer plays, and the large picture follows the floor', { timeout: 180_000 }, async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu Đỏ');
    const b = await person(admin, 'operator', 'Điểm cầu Xanh');
    const viewer = await person(admin, 'observer', 'Người theo dõi');
    const meeting = await liveMeeting(admin, [a, b]);
    await meeting.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/viewers`, { accountIds: [viewer.id] });
    const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
    sockets.push(chair);
    await chair.request('join', { meetingId: meeting.id });
    await point(a, meeting.id, 'red', 440, 1000);
    await point(b, meeting.id, 'blue', 880, 2000);
    // A holds the floor first.
    await chair.request('floor.give', { accountId: a.id });

    const on = await meeting.chair.api.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true });
    expect(on.on).toBe(true);
    // Everyone in the room is told (the indicator).
    await chair.waitFor(() => chair.notifications.find((n) => n.name === 'broadcast.changed' && (n.data as { on: boolean }).on));
    const state = await viewer.api.ok('GET', `/api/meetings/${meeting.id}/broadcast`);
    const base = server.url + state.playlistUrl.replace(/index\.m3u8$/, '');
    const playlist = async () => {
      const res = await fetch(base + 'index.m3u8');
      return res.status === 200 ? (await res.text()).split('\n').filter((l) => l.endsWith('.ts')) : [];
    };
    const segment = async (name: string) => Buffer.from(await (await fetch(base + name)).arrayBuffer());

    const startedAt = Date.now();
    await eventually(async () => expect((await playlist()).length).toBeGreaterThanOrEqual(2), 60_000);
    console.log(`broadcast: first two segments listed ${Date.now() - startedAt} ms after it was turned on`);
    const first = (await playlist()).at(-1)!;
    const firstBytes = await segment(first);
    const streams = await probeSegment(firstBytes);
    expect(streams).toEqual(expect.arrayContaining([expect.objectContaining({ codec_name: 'h264', width: 1280, height: 720 }), expect.objectContaining({ codec_name: 'aac' })]));
    expect(isRed(await centreColour(firstBytes))).toBe(true);
    const composer = server.broadcast.composer(meeting.id)!;
    expect(composer.current!.video[0]!.label).toContain('Điểm cầu Đỏ');
    const restartsBefore = composer.restarts;

    // The chair gives the floor to B: the large picture becomes B's.
    const gaveAt = Date.now();
    await chair.request('floor.give', { accountId: b.id });
    let switchedMs = 0;
    await eventually(async () => {
      const names = await playlist();
      const last = names.at(-1)!;
      expect(isBlue(await centreColour(await segment(last)))).toBe(true);
      switchedMs = Date.now() - gaveAt;
    }, 60_000);
    console.log(`broadcast: the floor went to B; its picture was large on the viewer's playlist after ${switchedMs} ms (ffmpegs started: ${composer.restarts}, switches by command: ${composer.switches})`);
    expect(composer.current!.video[0]!.label).toContain('Điểm cầu Xanh');
    // The same ffmpeg went on (B's camera was one of its inputs): switched by a command, not restarted.
    expect(composer.restarts).toBe(restartsBefore);
    expect(composer.switches).toBeGreaterThanOrEqual(1);

    // Turning it off ends the composition and is audited.
    await meeting.chair.api.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: false });
    expect(server.broadcast.isOn(meeting.id)).toBe(false);
    const audited = await server.store.db.selectFrom('audit_log').select('action').where('target_id', '=', meeting.id).where('action', 'like', 'broadcast.%').orderBy('id').execute();
    expect(audited.map((r) => r.action)).toEqual(['broadcast.start', 'broadcast.stop']);
  });
});

async function probeSegment(bytes: Buffer): Promise<Array<{ codec_name: string; width?: number; height?: number }>> {
  const child = execFile('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', '-i', 'pipe:0'], { encoding: 'utf8' });
  const out = new Promise<string>((resolve) => {
    let s = '';
    child.stdout!.on('data', (d: string) => (s += d));
    child.once('exit', () => resolve(s));
  });
  child.stdin!.end(bytes);
  return (JSON.parse((await out) || '{}') as { streams?: Array<{ codec_name: string; width?: number; height?: number }> }).streams ?? [];
}
