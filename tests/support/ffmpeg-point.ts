/**
 * A headless bridge point whose "camera" and "microphone" are ffmpeg: a tone of a given frequency
 * (Opus) and a test picture (VP8), sent as RTP to a plain send transport of the SFU (comedia).
 */
import type { ChildProcess } from 'node:child_process';
import { spawnFfmpeg } from '../../sfu-server/src/media/ffmpeg';

export const AUDIO_PT = 100;
export const VIDEO_PT = 101;

export const opusParameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `a${ssrc}` },
});

export const vp8Parameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `v${ssrc}` },
});

/**
 * One ffmpeg sending a lavfi source as RTP to ip:port until stopped. Started through the server's
 * own `spawnFfmpeg`, so it gets SIGTERM when the test process dies: a test that times out (its
 * `finally` never runs) must not leave encoders running through the rest of the suite.
 */
function sendRtp(input: string, codec: string[], payloadType: number, ssrc: number, ip: string, port: number): ChildProcess {
  const child = spawnFfmpeg(['-loglevel', 'error', '-re', '-f', 'lavfi', '-i', input, ...codec, '-f', 'rtp', '-rtpflags', 'skip_rtcp', '-payload_type', String(payloadType), '-ssrc', String(ssrc), `rtp://${ip}:${port}?rtcpport=${port}&pkt_size=1200`]);
  child.stderr?.pipe(process.stderr);
  return child;
}

/** Sends a sine tone (Hz) as Opus RTP to ip:port (until stopped). */
export function sendTone(frequency: number, ssrc: number, ip: string, port: number): ChildProcess {
  return sendRtp(`sine=frequency=${frequency}:sample_rate=48000`, ['-ac', '2', '-c:a', 'libopus', '-b:a', '48k', '-application', 'lowdelay'], AUDIO_PT, ssrc, ip, port);
}

const vp8 = (bitrate: string, gop: number) => ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', bitrate, '-g', String(gop)];

/** Sends a test picture (width×height, 15 fps) as VP8 RTP to ip:port, a keyframe every 2 s. */
export function sendPicture(width: number, height: number, ssrc: number, ip: string, port: number, source = 'testsrc2'): ChildProcess {
  return sendRtp(`${source}=size=${width}x${height}:rate=15`, vp8('300k', 30), VIDEO_PT, ssrc, ip, port);
}

/** Sends one plain colour (640×360, 15 fps) as VP8 RTP to ip:port, a keyframe every second. */
export function sendColour(colour: string, ssrc: number, ip: string, port: number, bitrate = '150k'): ChildProcess {
  return sendRtp(`color=c=${colour}:size=640x360:rate=15`, vp8(bitrate, 15), VIDEO_PT, ssrc, ip, port);
}

export function stopAll(children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}
