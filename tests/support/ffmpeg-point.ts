/**
 * A headless bridge point whose "camera" and "microphone" are ffmpeg: a tone of a given frequency
 * (Opus) and a test picture (VP8), sent as RTP to a plain send transport of the SFU (comedia).
 */
import { spawn, type ChildProcess } from 'node:child_process';

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

/** Sends a sine tone (Hz) as Opus RTP to ip:port (until stopped). */
export function sendTone(frequency: number, ssrc: number, ip: string, port: number): ChildProcess {
  return spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000`, '-ac', '2', '-c:a', 'libopus', '-b:a', '48k', '-application', 'lowdelay', '-f', 'rtp', '-rtpflags', 'skip_rtcp', '-payload_type', String(AUDIO_PT), '-ssrc', String(ssrc), `rtp://${ip}:${port}?rtcpport=${port}&pkt_size=1200`], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Sends a test picture (width×height, 15 fps) as VP8 RTP to ip:port, a keyframe every 2 s. */
export function sendPicture(width: number, height: number, ssrc: number, ip: string, port: number, source = 'testsrc2'): ChildProcess {
  return spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `${source}=size=${width}x${height}:rate=15`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '30', '-f', 'rtp', '-rtpflags', 'skip_rtcp', '-payload_type', String(VIDEO_PT), '-ssrc', String(ssrc), `rtp://${ip}:${port}?rtcpport=${port}&pkt_size=1200`], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function stopAll(children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}
