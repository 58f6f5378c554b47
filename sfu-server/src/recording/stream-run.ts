/**
 * One raw stream run: a tap on one producer and the ffmpeg that copies its RTP into segment
 * files (matroska, `-c copy`: no transcoding while the meeting runs). A run ends when its producer
 * goes, its worker dies, its ffmpeg exits, or the recording stops; the recorder then starts a new
 * run for the same producer if it is still wanted (a new producer after a rejoin gets a new run).
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawnFfmpeg, stopFfmpeg } from '../media/ffmpeg';
import { PlainTap, waitForUdpListener } from '../media/plain-tap';
import type { Room } from '../media/room';
import type { RecordingFiles } from './recording-files';

export interface StreamRunOptions {
  files: RecordingFiles;
  room: Room;
  producerId: string;
  run: string;
  segmentSeconds: number;
  /** Called once when the run ended (by itself or stopped), with the reason and ffmpeg's last words. */
  onEnd: (run: StreamRun, reason: string, stderr: string) => void;
}

/** Video keyframes asked for this often, so segments can be cut and the archive can seek. */
const KEYFRAME_MS = 5_000;

export class StreamRun {
  readonly run: string;
  readonly producerId: string;
  tap: PlainTap | undefined;
  #ffmpeg: ChildProcess | undefined;
  #ended = false;
  #stderr = '';
  #keyframes: NodeJS.Timeout | undefined;
  readonly #o: StreamRunOptions;

  constructor(options: StreamRunOptions) {
    this.#o = options;
    this.run = options.run;
    this.producerId = options.producerId;
  }

  get ended(): boolean {
    return this.#ended;
  }

  async start(): Promise<void> {
    const { files, room, producerId, run } = this.#o;
    const tap = await PlainTap.open(room, producerId);
    this.tap = tap;
    // Stopped while the tap was being made.
    if (this.#ended) return tap.close();
    await files.stream({ type: 'open', run, at: Date.now(), info: tap.info });
    const sdp = path.join(files.rawDir, `${run}.sdp`);
    await tap.writeSdp(sdp);
    const ff = spawnFfmpeg([
      '-protocol_whitelist', 'file,udp,rtp',
      '-analyzeduration', '3000000',
      '-i', sdp,
      '-map', '0', '-c', 'copy',
      '-f', 'segment', '-segment_time', String(this.#o.segmentSeconds), '-segment_format', 'matroska', '-reset_timestamps', '0',
      path.join(files.rawDir, `${run}-%05d.mkv`),
    ]);
    this.#ffmpeg = ff;
    if (this.#ended) {
      void stopFfmpeg(ff);
      return;
    }
    ff.stderr?.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-4000)));
    ff.once('error', (err) => this.#end(`ffmpeg-error: ${err.message}`));
    ff.once('exit', (code, signal) => this.#end(`ffmpeg-exit ${code ?? signal}`));
    void tap.ended.then((why) => this.#end(why));
    void tap.firstPacketAt.then((at) => (this.#ended ? undefined : files.stream({ type: 'first', run, at }))).catch(() => undefined);
    if (!(await waitForUdpListener(tap.port, 10_000))) {
      this.#end('ffmpeg-not-listening');
      return;
    }
    await tap.start();
    if (tap.info.kind === 'video') {
      this.#keyframes = setInterval(() => void tap.requestKeyFrame(), KEYFRAME_MS);
      this.#keyframes.unref();
    }
  }

  /** Ends the run (the recording stops, or the producer is no longer wanted). */
  async stop(reason = 'stopped'): Promise<void> {
    const ff = this.#ffmpeg;
    this.#end(reason);
    if (ff) await stopFfmpeg(ff);
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#keyframes) clearInterval(this.#keyframes);
    this.tap?.close();
    const ff = this.#ffmpeg;
    if (ff && ff.exitCode === null && ff.signalCode === null) void stopFfmpeg(ff);
    void this.#o.files.stream({ type: 'end', run: this.run, at: Date.now(), reason }).catch(() => undefined);
    this.#o.onEnd(this, reason, this.#stderr);
  }
}
