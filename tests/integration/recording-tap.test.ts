/**
 * The media tap (sfu-server/src/media/plain-tap.ts): a producer of a room is consumed over a
 * PlainTransport towards a local ffmpeg, which writes what it receives without transcoding.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobeJson, spawnFfmpeg } from '../../sfu-server/src/media/ffmpeg';
import { PlainTap, waitForUdpListener } from '../../sfu-server/src/media/plain-tap';
import { RecordingFiles } from '../../sfu-server/src/recording/recording-files';
import { StreamRun } from '../../sfu-server/src/recording/stream-run';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { opusParameters, sendPicture, sendTone, stopAll, vp8Parameters } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

describe('media tap', () => {
  let server: RunningServer & { dataDir: string };
  beforeAll(async () => {
    // A generous heartbeat: the 1 s test default drops the point's connection on the loaded machine (its producers go with it).
    server = await startTestServer({ PLAIN_RTP_ENABLED: '1', HEARTBEAT_SECONDS: '30' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('delivers a point\'s audio and video to ffmpeg, which copies them into files', { timeout: 90_000 }, async () => {
    const admin = await TestApi.admin(server.url);
    const point = await person(admin, 'operator', 'Điểm cầu Tap');
    const meeting = await liveMeeting(admin, [point]);
    const c = await TestSignalingClient.connect(server.url, point.token);
    await c.request('join', { meetingId: meeting.id });
    // One plain transport per sender process (as a real client has one per producer): a comedia
    // transport takes its remote address from the first packet and ignores any other sender.
    const audioSend = await c.request('media.createPlainTransport', { direction: 'send' });
    const videoSend = await c.request('media.createPlainTransport', { direction: 'send' });
    const mic = await c.request('produce', { transportId: audioSend.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(1111) });
    const cam = await c.request('produce', { transportId: videoSend.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(2222) });
    const senders = [sendTone(440, 1111, audioSend.ip, audioSend.port), sendPicture(640, 360, 2222, videoSend.ip, videoSend.port)];
    try {
      const room = server.rooms.find(meeting.id)!;
      const out: string[] = [];
      for (const [producerId, ext] of [[mic.id, 'mka'], [cam.id, 'mkv']] as const) {
        const tap = await PlainTap.open(room, producerId);
        const sdp = path.join(server.dataDir, `${producerId}.sdp`);
        await tap.writeSdp(sdp);
        const file = path.join(server.dataDir, `${producerId}.${ext}`);
        const ff = spawnFfmpeg(['-protocol_whitelist', 'file,udp,rtp', '-i', sdp, '-c', 'copy', '-y', file]);
        expect(await waitForUdpListener(tap.port, 60_000, () => ff.exitCode === null)).toBe(true);
        const startedAt = Date.now();
        await tap.start();
        const first = await tap.firstPacketAt;
        expect(first).toBeGreaterThanOrEqual(startedAt - 50);
        expect(first).toBeLessThan(Date.now() + 1);
        out.push(file);
        // Ended as the recorder ends a run: the tap hands over what it has, then an RTCP BYE, and
        // ffmpeg ends its input and closes the file itself. (A SIGTERM while busy, then SIGKILL after
        // the grace, cut the Matroska trailer: "Duplicate element" at load ~40.)
        const exited = new Promise((r) => ff.once('exit', r));
        await new Promise((r) => setTimeout(r, 4000));
        expect(await tap.finish()).toBe(true);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
        expect(ff.exitCode).toBe(0);
      }
      const audio = await ffprobeJson(out[0]!);
      expect(audio.streams?.[0]?.codec_name).toBe('opus');
      expect(Number(audio.format?.duration)).toBeGreaterThan(3);
      const video = await ffprobeJson(out[1]!);
      expect(video.streams?.[0]).toMatchObject({ codec_name: 'vp8', width: 640, height: 360 });
      expect(Number(video.format?.duration)).toBeGreaterThan(3);
      expect(fs.statSync(out[1]!).size).toBeGreaterThan(10_000);
    } finally {
      stopAll(senders);
      c.close();
    }
  });

  // At load ~50, ffmpeg took more than 10 s to bind its port: the run gave up ('ffmpeg-not-listening'),
  // and even when it did not, what the point said before ffmpeg listened was lost. The server now
  // owns the receiving socket and hands ffmpeg everything from the first packet once it listens.
  it('records a stream from its first packet even when ffmpeg is slow to start', { timeout: 120_000 }, async () => {
    const admin = await TestApi.admin(server.url);
    const point = await person(admin, 'operator', 'Điểm cầu Chậm');
    const meeting = await liveMeeting(admin, [point]);
    const c = await TestSignalingClient.connect(server.url, point.token);
    await c.request('join', { meetingId: meeting.id });
    const audioSend = await c.request('media.createPlainTransport', { direction: 'send' });
    const mic = await c.request('produce', { transportId: audioSend.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(3333) });
    const senders = [sendTone(440, 3333, audioSend.ip, audioSend.port)];
    // An ffmpeg that needs 12 s before it even starts (the recorder's only: the sender above is started).
    const slow = path.join(server.dataDir, 'slow-ffmpeg.sh');
    fs.writeFileSync(slow, '#!/bin/sh\nsleep 12\nexec ffmpeg "$@"\n', { mode: 0o755 });
    const files = new RecordingFiles(path.join(server.dataDir, 'recordings'), randomUUID());
    await files.init();
    const ends: string[] = [];
    const before = process.env['FFMPEG_BIN'];
    process.env['FFMPEG_BIN'] = slow;
    try {
      const room = server.rooms.find(meeting.id)!;
      await new Promise((r) => setTimeout(r, 1000));
      const run = new StreamRun({ files, room, producerId: mic.id, run: '0001-mic-slow', segmentSeconds: 4, onEnd: (_r, reason) => ends.push(reason) });
      await run.start();
      expect(ends).toEqual([]);
      await new Promise((r) => setTimeout(r, 3000));
      const stoppedAt = Date.now();
      await run.stop('recording-stopped');
      expect(ends).toEqual(['recording-stopped']);
      const first = (await files.readStreams()).find((e) => e.type === 'first')!;
      expect(first).toBeTruthy();
      // Everything from the first packet to the stop is in the segments (12 s of ffmpeg's start included).
      const segments = await files.segments('0001-mic-slow');
      expect(segments.length).toBeGreaterThanOrEqual(3);
      // Every segment is readable (the last one too: ffmpeg got one signal and wrote its trailer).
      let seconds = 0;
      for (const seg of segments) {
        const probe = (await ffprobeJson(seg, ['-show_entries', 'packet=pts_time'])) as { packets?: Array<{ pts_time?: string }> };
        // Segments keep the run's timestamps (-reset_timestamps 0): the last packet's is the length.
        seconds = Math.max(seconds, ...(probe.packets ?? []).map((p) => Number(p.pts_time ?? 0)));
      }
      const sent = (stoppedAt - first.at) / 1000;
      expect(sent).toBeGreaterThan(12);
      expect(seconds).toBeGreaterThan(sent - 1.5);
    } finally {
      if (before === undefined) delete process.env['FFMPEG_BIN'];
      else process.env['FFMPEG_BIN'] = before;
      stopAll(senders);
      c.close();
    }
  });
});
