/**
 * A bridge point in a live meeting whose camera is one plain colour and whose microphone a tone
 * (ffmpeg over plain RTP, `ffmpeg-point.ts`): what the broadcast tests and benches compose. One plain
 * transport per sender process: a comedia transport keeps the first source address it hears.
 */
import type { ChildProcess } from 'node:child_process';
import { opusParameters, sendColour, sendTone, vp8Parameters } from './ffmpeg-point';
import { TestSignalingClient } from './signaling-test-client';

export async function joinColourPoint(serverUrl: string, token: string, meetingId: string, colour: string, tone: number, ssrcBase: number): Promise<{ client: TestSignalingClient; senders: ChildProcess[] }> {
  const client = await TestSignalingClient.connect(serverUrl, token);
  await client.request('join', { meetingId });
  const audio = await client.request('media.createPlainTransport', { direction: 'send' });
  const video = await client.request('media.createPlainTransport', { direction: 'send' });
  await client.request('produce', { transportId: audio.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(ssrcBase + 1) });
  await client.request('produce', { transportId: video.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(ssrcBase + 2) });
  return { client, senders: [sendTone(tone, ssrcBase + 1, audio.ip, audio.port), sendColour(colour, ssrcBase + 2, video.ip, video.port, '200k')] };
}
