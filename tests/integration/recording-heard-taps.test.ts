/**
 * The raw recording taps only the microphones that may be heard (`recording/heard-mics.ts`), on a
 * real server: 12 points, 2 unmuted (440, 660 Hz) and 10 muted → 2 taps (PlainTransports counted on
 * the room's router as mediasoup makes them), not 12. Unmuting one (880 Hz) adds its tap at once,
 * with the moment it was unmuted written beside its run; its tone is in the archive after that
 * moment and not before. A point muted for longer than MUTED_TAP_MS loses its tap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTED_TAP_MS } from '../../sfu-server/src/recording/heard-mics';
import type { StreamEvent } from '../../sfu-server/src/recording/recording-files';
import { eventually } from '../support/collab-client';
import { toneLevel } from '../support/media-probe';
import { TestSignalingClient } from '../support/signaling-test-client';
import { followTaps, joinMicPoint, openMeetingOfPoints, useRecordingServer } from '../support/recording-meeting';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recording taps only the microphones that may be heard', () => {
  const ctx = useRecordingServer();
  const { children, clients } = ctx;

  it('12 points, 2 unmuted: 2 taps; unmuting one taps it at once and its tone is recorded; a long-muted one is let go', { timeout: 300_000 }, async () => {
    const server = ctx.server;
    const { meeting, points, chair } = await openMeetingOfPoints(server, clients, 12, 'Hội nghị 12 điểm cầu');

    const room = server.rooms.find(meeting.id)!;
    const taps = followTaps(room.router);

    // Points 0 and 1 speak (440, 660 Hz); point 2 (880 Hz) sends all along but is muted (its
    // producer paused: nothing is heard); points 3–11 are muted and send nothing.
    const tones = new Map([[0, 440], [1, 660], [2, 880]]);
    const mics: Array<{ client: TestSignalingClient; mic: string }> = [];
    for (const [i, p] of points.entries()) {
      const tone = tones.get(i);
      mics.push(await joinMicPoint(ctx, p.token, meeting.id, { ssrc: 1000 + i, paused: i >= 2, ...(tone ? { tone } : {}) }));
    }

    const started = await chair.request('recording.start', {});
    const t0 = Date.now();
    await eventually(() => expect(taps.size).toBe(2), 15_000);
    // Several looks of the recorder later (every 500 ms), still only the two heard microphones.
    await sleep(3000);
    expect(taps.size).toBe(2);

    // 6 s: point 2 unmutes → its tap is made at once.
    await sleep(6000 - (Date.now() - t0));
    const tUnmute = (Date.now() - t0) / 1000;
    await mics[2]!.client.request('resumeProducer', { producerId: mics[2]!.mic });
    await eventually(() => expect(taps.size).toBe(3), 5_000);

    // 9 s: point 0 mutes; its tap stays for MUTED_TAP_MS (it may speak again), then goes.
    await sleep(9000 - (Date.now() - t0));
    const tMute = (Date.now() - t0) / 1000;
    await mics[0]!.client.request('pauseProducer', { producerId: mics[0]!.mic });
    await sleep(MUTED_TAP_MS - 3000);
    expect(taps.size).toBe(3);
    await eventually(() => expect(taps.size).toBe(2), 10_000);

    const stopped = await chair.request('recording.stop', {});
    expect(stopped.active).toBe(false);
    const total = (Date.now() - t0) / 1000;
    await server.recordings.whenComposed();

    // The unmuted microphone's run: opened with the moment it was unmuted, its first packet soon after.
    const dir = path.join(server.dataDir, 'recordings', started.recordingId!);
    const streams = fs.readFileSync(path.join(dir, 'streams.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StreamEvent);
    const opens = streams.filter((e): e is Extract<StreamEvent, { type: 'open' }> => e.type === 'open');
    expect(opens.map((o) => o.info.producerId).sort()).toEqual([mics[0]!.mic, mics[1]!.mic, mics[2]!.mic].sort());
    const unmuted = opens.find((o) => o.info.producerId === mics[2]!.mic)!;
    expect(unmuted.heardSince).toBeGreaterThan(t0);
    const first = streams.find((e) => e.type === 'first' && e.run === unmuted.run)!;
    const lateMs = first.at - unmuted.heardSince!;
    console.log(`unmuted → first packet recorded: ${lateMs} ms (load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(2000);
    expect(streams.find((e) => e.type === 'end' && e.run === opens.find((o) => o.info.producerId === mics[0]!.mic)!.run)).toMatchObject({ reason: 'muted' });

    const mp4 = path.join(dir, 'archive.mp4');
    expect(fs.existsSync(mp4)).toBe(true);
    const level = (f: number, from: number, to: number) => toneLevel(mp4, f, from, to);
    // 880 Hz: nowhere before the unmute (it was sent, but muted), clearly after it.
    const l880before = await level(880, 1, tUnmute - 0.5);
    const l880after = await level(880, tUnmute + 1, total - 1);
    const l660 = await level(660, 1, total - 1);
    expect(l880after).toBeGreaterThan(-35);
    expect(l880after - l880before).toBeGreaterThan(20);
    expect(l660).toBeGreaterThan(-35);
    // 440 Hz heard until it muted, not after.
    expect(await level(440, 1, tMute - 0.5)).toBeGreaterThan(-35);
    expect((await level(440, 1, tMute - 0.5)) - (await level(440, tMute + 1, total - 1))).toBeGreaterThan(20);
  });
});
