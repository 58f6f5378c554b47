/**
 * What the recording tests on a real server share (`recording.test.ts`, `recording-heard-taps.test.ts`):
 * a server with plain RTP, 4-s raw segments, no free-space floor and the archive composed at normal
 * priority, started before and closed after the file's tests with every sender and client; and a
 * headless point that joins with a microphone (a tone sent over plain RTP, muted or not) and, if asked,
 * a camera (a test picture).
 */
import type { ChildProcess } from 'node:child_process';
import type { types } from 'mediasoup';
import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from './api-client';
import { opusParameters, sendPicture, sendTone, stopAll, vp8Parameters } from './ffmpeg-point';
import { TestSignalingClient } from './signaling-test-client';
import { startTestServer } from './test-server';

export interface RecordingTestContext {
  /** The running server (set once `beforeAll` has run). */
  readonly server: RunningServer & { dataDir: string };
  /** Sender processes and signaling clients, stopped and closed after the file's tests. */
  readonly children: ChildProcess[];
  readonly clients: TestSignalingClient[];
}

/**
 * Registers `beforeAll`/`afterAll` that start and close the server. A generous heartbeat: with ten
 * ffmpegs on a loaded machine, the 1 s test default dropped the chair's connection. Composing at the
 * default nice 15 got ~0.3 % of the CPU at load ~25 on the shared machine (a 10-s job did not end
 * within a test's budget): here it runs at normal priority.
 */
export function useRecordingServer(): RecordingTestContext {
  let server: (RunningServer & { dataDir: string }) | undefined;
  const children: ChildProcess[] = [];
  const clients: TestSignalingClient[] = [];
  beforeAll(async () => {
    server = await startTestServer({ PLAIN_RTP_ENABLED: '1', RECORDING_SEGMENT_SECONDS: '4', RECORDING_MIN_FREE_MB: '0', HEARTBEAT_SECONDS: '30', RECORDING_COMPOSE_NICE: '0' });
  });
  afterAll(async () => {
    stopAll(children);
    for (const c of clients) c.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the recording test server is not started yet (use it inside a test)');
      return server;
    },
    children,
    clients,
  };
}

export interface MicPointOptions {
  /** SSRC of the microphone's RTP. */
  ssrc: number;
  /** The tone the point sends (Hz); none: it sends nothing. */
  tone?: number;
  /** Joins muted (its producer paused). */
  paused: boolean;
  /** A camera too: a 320×180 test picture with this SSRC. */
  pictureSsrc?: number;
}

/**
 * A point joins the meeting with a microphone (and a camera if asked), one plain transport per
 * sender process as a real client has one per producer: a comedia transport takes the first source
 * address it hears and ignores any other sender.
 */
export async function joinMicPoint(ctx: RecordingTestContext, token: string, meetingId: string, o: MicPointOptions): Promise<{ client: TestSignalingClient; peerId: string; mic: string }> {
  const c = await TestSignalingClient.connect(ctx.server.url, token);
  ctx.clients.push(c);
  const j = await c.request('join', { meetingId });
  const audio = await c.request('media.createPlainTransport', { direction: 'send' });
  const video = o.pictureSsrc !== undefined ? await c.request('media.createPlainTransport', { direction: 'send' }) : undefined;
  const mic = await c.request('produce', { transportId: audio.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(o.ssrc), paused: o.paused });
  if (video && o.pictureSsrc !== undefined) await c.request('produce', { transportId: video.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(o.pictureSsrc) });
  if (o.tone !== undefined) ctx.children.push(sendTone(o.tone, o.ssrc, audio.ip, audio.port));
  if (video && o.pictureSsrc !== undefined) ctx.children.push(sendPicture(320, 180, o.pictureSsrc, video.ip, video.port));
  return { client: c, peerId: j.peerId, mic: mic.id };
}

/**
 * A live meeting of `count` points ("Xã số 1" …) whose chair has joined and opened the floor (with
 * ten or more points a meeting is controlled by default: only the floor holder speaks; opened, the
 * points unmute themselves). The chair's client is closed with the others after the file's tests.
 */
export async function openMeetingOfPoints(server: { url: string }, clients: TestSignalingClient[], count: number, title: string) {
  const admin = await TestApi.admin(server.url);
  const points = [];
  for (let i = 0; i < count; i++) points.push(await person(admin, 'operator', `Xã số ${i + 1}`));
  const meeting = await liveMeeting(admin, points, title);
  const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
  clients.push(chair);
  await chair.request('join', { meetingId: meeting.id });
  await chair.request('floor.settings', { controlled: false });
  return { meeting, points, chair };
}

/**
 * The tap transports (PlainTransports with `appData.tap`) open on a router now, followed as
 * mediasoup makes and closes them: what is counted is mediasoup's, not the recorder's bookkeeping.
 */
export function followTaps(router: types.Router): ReadonlySet<types.Transport> {
  const taps = new Set<types.Transport>();
  router.observer.on('newtransport', (t) => {
    if ((t.appData as { tap?: boolean }).tap !== true) return;
    taps.add(t);
    t.observer.once('close', () => taps.delete(t));
  });
  return taps;
}
