/** Measuring a media file with ffmpeg/ffprobe in tests: streams, and how loud a tone is in a time range. */
import { spawn } from 'node:child_process';

/** RMS level (dB) of the part of the audio around `frequency` Hz between `from` and `to` seconds (-Infinity: silence). */
export function toneLevel(file: string, frequency: number, from: number, to: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostats', '-ss', String(from), '-t', String(to - from), '-i', file, '-vn', '-af', `bandpass=f=${frequency}:width_type=q:w=30,bandpass=f=${frequency}:width_type=q:w=30,astats=measure_perchannel=none`, '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg astats failed: ${err.slice(-500)}`));
      const m = /RMS level dB:\s*(-?inf|-?[\d.]+)/i.exec(err.slice(err.lastIndexOf('Overall') >= 0 ? err.lastIndexOf('Overall') : 0));
      if (!m) return reject(new Error(`no RMS level in: ${err.slice(-800)}`));
      resolve(/inf/i.test(m[1]!) ? -Infinity : Number(m[1]));
    });
  });
}
