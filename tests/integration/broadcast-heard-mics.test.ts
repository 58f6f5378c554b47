/**
 * The live broadcast reads only the microphones that may be heard (the recording's rule,
 * `recording/heard-mics.ts`), on a real server with ffmpeg: 7 points, one with a camera and an
 * unmuted microphone (440 Hz), six muted (one of them sending 880 Hz all along, nothing heard while
 * muted) → 2 taps (PlainTransports counted on the room's router as mediasoup makes them: the camera
 * and the one microphone), not 8. Unmuting the 880-Hz point taps it at once (a new ffmpeg, without
 * waiting for the layout to settle) and its tone is in the broadcast's segments after that.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { eventually } from '../support/collab-client';
import { joinColourPoint } from '../support/colour-point';
import { opusParameters, sendTone, stopAll } from '../support/ffmpeg-point';
import { toneLevel } from '../support/media-probe';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { followTaps, openMeetingOfPoints } from '../support/recording-meeting';

let server: RunningServer & { dataDir: string };
const senders: ChildProcess[] = [];
const clients: TestSignalingClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ PLAIN_RTP_ENABLED: '1', HEARTBEAT_SECONDS: '30' });
});

afterAll(async () => {
  stopAll(senders);
  for (const c of clients) c.close();
  await server?.close();
});

/** Segments on the playlist with their EXT-X-PROGRAM-DATE-TIME (when ffmpeg composed their first frame). */
function listed(dir: string): Array<{ name: string; at: number }> {
  const file = path.join(dir, 'index.m3u8');
  if (!fs.existsSync(file)) return [];
  const out: Array<{ name: string; at: number }> = [];
  let at = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) at = Date.parse(line.slice(25).replace(/\+0000$/, 'Z'));
    else if (line.endsWith('.ts')) out.push({ name: line, at });
  }
  return out;
}

describe('live broadcast taps only the microphones that may be heard', () => {
  it('7 points, 1 unmuted: 2 taps; unmuting one taps it at once and its tone is broadcast', { timeout: 300_000 }, async () => {
    const { meeting, points, chair } = await openMeetingOfPoints(server, clients, 7, 'Hội nghị 7 điểm cầu');

    const room = server.rooms.find(meeting.id)!;
    const taps = followTaps(room.router);

    // Point 0: a red camera and 440 Hz, unmuted. Point 1: 880 Hz sent all along, muted. Points 2-6: muted, silent.
    const speaker = await joinColourPoint(server.url, points[0]!.token, meeting.id, 'red', 440, 1000);
    clients.push(speaker.client);
    senders.push(...speaker.senders);
    const muted: Array<{ client: TestSignalingClient; mic: string }> = [];
    for (let i = 1; i < 7; i++) {
      const c = await TestSignalingClient.connect(server.url, points[i]!.token);
      clients.push(c);
      await c.request('join', { meetingId: meeting.id });
      const audio = await c.request('media.createPlainTransport', { direction: 'send' });
      const mic = await c.request('produce', { transportId: audio.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(2000 + i), paused: true });
      if (i === 1) senders.push(sendTone(880, 2000 + i, audio.ip, audio.port));
      muted.push({ client: c, mic: mic.id });
    }

    await meeting.chair.api.ok('PUT', `/api/meetings/${meeting.id}/broadcast`, { on: true });
    const dir = server.broadcast.dirOf(meeting.id);
    await eventually(() => expect(listed(dir).length).toBeGreaterThanOrEqual(2), 180_000);
    const composer = server.broadcast.composer(meeting.id)!;
    // The camera and the one unmuted microphone; none of the six muted ones (neither chair nor floor holder, never heard).
    expect(taps.size).toBe(2);
    expect(composer.current!.audio).toHaveLength(1);

    const restartsBefore = composer.restarts;
    const unmutedAt = Date.now();
    await muted[0]!.client.request('resumeProducer', { producerId: muted[0]!.mic });
    let tappedMs = 0;
    await eventually(() => {
      expect(taps.size).toBe(3);
      tappedMs = Date.now() - unmutedAt;
    }, 5_000);
    console.log(`broadcast: unmuted → tapped ${tappedMs} ms (load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    // Not waiting for the next look (500 ms) and the layout's settling second.
    expect(tappedMs).toBeLessThan(1000);
    expect(composer.restarts).toBe(restartsBefore + 1);
    expect(composer.current!.audio).toContain(muted[0]!.mic);

    // A segment composed after the new ffmpeg started carries 880 Hz (and 440 Hz).
    let segment = '';
    await eventually(() => {
      const after = listed(dir).filter((s) => s.at > unmutedAt + 1000);
      expect(after.length).toBeGreaterThanOrEqual(2);
      segment = path.join(dir, after.at(-1)!.name);
    }, 180_000);
    const copy = path.join(os.tmpdir(), `heard-mics-${process.pid}.ts`);
    fs.copyFileSync(segment, copy);
    try {
      expect(await toneLevel(copy, 880, 0, 0.9)).toBeGreaterThan(-35);
      expect(await toneLevel(copy, 440, 0, 0.9)).toBeGreaterThan(-35);
    } finally {
      fs.rmSync(copy, { force: true });
    }
  });
});
