/**
 * Running ffmpeg (Debian's package, installed by scripts/setup.sh) for recording and broadcast.
 *
 * - `FFMPEG_BIN` / `FFPROBE_BIN` name other binaries; `ffmpegAvailable()` answers whether the
 *   binary runs at all, so a missing ffmpeg is a clear error to the chair, never a crash.
 * - Every ffmpeg is started under `setpriv --pdeathsig TERM` when util-linux's setpriv exists: if
 *   the server dies (SIGKILL, crash), its ffmpegs get SIGTERM and close their files properly
 *   instead of waiting on UDP forever.
 * - `nice` lowers the priority of background work (composing an archive).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export const ffmpegBin = (): string => process.env['FFMPEG_BIN'] ?? 'ffmpeg';
export const ffprobeBin = (): string => process.env['FFPROBE_BIN'] ?? 'ffprobe';

const known = new Map<string, Promise<boolean>>();

/** Whether ffmpeg runs here (asked once per binary name; a missing one is asked again next time). */
export function ffmpegAvailable(bin = ffmpegBin()): Promise<boolean> {
  let answer = known.get(bin);
  if (!answer) {
    answer = new Promise<boolean>((resolve) => {
      const child = spawn(bin, ['-hide_banner', '-version'], { stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('exit', (code) => resolve(code === 0));
    });
    known.set(bin, answer);
    void answer.then((ok) => ok || known.delete(bin));
  }
  return answer;
}

const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

export interface FfmpegOptions {
  /** Niceness added (background jobs: 10–19). */
  nice?: number;
  cwd?: string;
  /** Binary (default ffmpeg). */
  bin?: string;
}

/** Starts ffmpeg (end it with stopFfmpeg), tied to this process's life. */
export function spawnFfmpeg(args: string[], options: FfmpegOptions = {}): ChildProcess {
  let cmd = options.bin ?? ffmpegBin();
  let argv = ['-hide_banner', '-nostats', '-loglevel', 'warning', ...args];
  if (options.nice) {
    argv = ['-n', String(options.nice), cmd, ...argv];
    cmd = 'nice';
  }
  if (setpriv) {
    argv = ['--pdeathsig', 'TERM', cmd, ...argv];
    cmd = setpriv;
  }
  return spawn(cmd, argv, { stdio: ['pipe', 'ignore', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
}

/**
 * Ends an ffmpeg cleanly (SIGTERM: ffmpeg closes its files properly, and unlike "q" on stdin it is
 * seen even while ffmpeg waits on a silent UDP input), then SIGKILL; resolves when it exited.
 *
 * Once per process: asking again returns the same wait and sends nothing. A second signal is not
 * harmless — ffmpeg's interrupt callback fires once more signals arrived than "init done" counts
 * (`received_nb_signals > transcode_init_done`), so every write of the trailer is cut: the last
 * segment was left empty and a Matroska copy unreadable.
 */
export function stopFfmpeg(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pending = stopping.get(child);
  if (pending) return pending;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const done = new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
  stopping.set(child, done);
  return done;
}

const stopping = new WeakMap<ChildProcess, Promise<void>>();

/** Runs ffprobe and returns its JSON (`-show_format -show_streams`). */
export function ffprobeJson(file: string, extra: string[] = []): Promise<FfprobeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffprobeBin(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...extra, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`ffprobe ${file}: ${err.trim() || `exit ${code}`}`));
      try {
        resolve(JSON.parse(out) as FfprobeResult);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

export interface FfprobeResult {
  format?: { duration?: string; start_time?: string; size?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string; start_time?: string }>;
}
