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
  /** A microphone tapped because it was just unmuted: when its producer was resumed (written with the run). */
  heardSince?: number;
  /** Called once when the run ended (by itself or stopped), with the reason and ffmpeg's last words. */
  onEnd: (run: StreamRun, reason: string, stderr: string) => void;
}

/** Video keyframes asked for this often, so segments can be cut and the archive can seek. */
const KEYFRAME_MS = 5_000;
/**
 * How long ffmpeg may take to listen. Nothing is lost meanwhile (the tap keeps the media, see
 * media/rtp-relay.ts): this only bounds a hung ffmpeg. At load ~50 it took more than 10 s.
 */
const LISTEN_MS = 90_000;
/** At stop: how long ffmpeg may take to write what it was given and exit after the BYE before it is told to. */
const EXIT_MS = 30_000;

export class StreamRun {
  readonly run: string;
  readonly producerId: string;
  tap: PlainTap | undefined;
  #ffmpeg: ChildProcess | undefined;
  #ended = false;
  #stopping = false;
  #stopDone: Promise<void> | undefined;
  #stopReason = 'stopped';
  #quit: () => void = () => {};
  /** Resolves once the run is stopping or ended. */
  readonly #quitting = new Promise<void>((resolve) => (this.#quit = resolve));
  #listening: Promise<boolean> = Promise.resolve(false);
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
    if (this.#ended || this.#stopping) return tap.close();
    void tap.firstPacketAt.then((at) => (this.#ended ? undefined : files.stream({ type: 'first', run, at }))).catch(() => undefined);
    void tap.ended.then((why) => (this.#stopping ? undefined : this.#end(why)));
    void tap.overflowed.then(() => this.#end('ffmpeg-not-listening'));
    await files.stream({ type: 'open', run, at: Date.now(), info: tap.info, ...(this.#o.heardSince !== undefined ? { heardSince: this.#o.heardSince } : {}) });
    // The media flows from now on, kept by the server until ffmpeg listens: a slow ffmpeg costs
    // nothing of the recording, and the first packet's time is the stream's true start.
    await tap.flow();
    const sdp = path.join(files.rawDir, `${run}.sdp`);
    await tap.writeSdp(sdp);
    // A muted microphone sends nothing: its ffmpeg starts with its first packet (the relay keeps it),
    // so unmuting is recorded from its first word however late the recorder's next look is.
    await Promise.race([tap.firstPacketAt, this.#quitting]);
    if (this.#ended || this.#stopping) return;
    const video = tap.info.kind === 'video';
    const ff = spawnFfmpeg([
      '-protocol_whitelist', 'file,udp,rtp',
      // Opus is fully described by the SDP; VP8 needs its first keyframe (the size).
      '-analyzeduration', video ? '1000000' : '200000',
      '-i', sdp,
      '-map', '0', '-c', 'copy',
      '-f', 'segment', '-segment_time', String(this.#o.segmentSeconds), '-segment_format', 'matroska', '-reset_timestamps', '0',
      path.join(files.rawDir, `${run}-%05d.mkv`),
    ]);
    this.#ffmpeg = ff;
    ff.stderr?.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-4000)));
    ff.once('error', (err) => this.#end(`ffmpeg-error: ${err.message}`));
    ff.once('exit', (code, signal) => this.#end(this.#stopping ? this.#stopReason : `ffmpeg-exit ${code ?? signal}`));
    const alive = () => ff.exitCode === null && ff.signalCode === null && !this.#ended;
    this.#listening = waitForUdpListener(tap.port, LISTEN_MS, alive);
    if (!(await this.#listening)) {
      // (An ffmpeg that exited has ended the run already, with its exit status.)
      this.#end('ffmpeg-not-listening');
      return;
    }
    if (this.#stopping || this.#ended) return;
    await tap.start();
    if (video) {
      this.#keyframes = setInterval(() => void tap.requestKeyFrame(), KEYFRAME_MS);
      this.#keyframes.unref();
    }
  }

  /**
   * Ends the run (the recording stops, or the producer is no longer wanted) without losing what was
   * sent: the tap stops taking media, ffmpeg gets everything kept for it and then the end of the
   * stream (RTCP BYE), writes its last segment and exits; SIGTERM only if it has not after EXIT_MS.
   */
  async stop(reason = 'stopped'): Promise<void> {
    if (this.#stopDone) return this.#stopDone;
    if (this.#ended) {
      if (this.#ffmpeg) await stopFfmpeg(this.#ffmpeg);
      return;
    }
    this.#stopping = true;
    this.#quit();
    this.#stopReason = reason;
    this.#stopDone = this.#stopGracefully(reason);
    return this.#stopDone;
  }

  async #stopGracefully(reason: string): Promise<void> {
    if (this.#keyframes) clearInterval(this.#keyframes);
    const ff = this.#ffmpeg;
    const tap = this.tap;
    if (ff && tap && (await this.#listening)) {
      // ffmpeg gets everything, then an RTCP BYE: its input ends (EOF) and it closes its files and
      // exits by itself. A signal is only the fallback: ffmpeg waiting on a silent socket does not
      // see one SIGTERM (its read is interrupted only from the second signal on, and then so are
      // the writes of its trailer), so the stopped run was killed and its last segment left empty.
      const exited = new Promise<void>((resolve) => (ff.exitCode !== null || ff.signalCode !== null ? resolve() : ff.once('exit', () => resolve())));
      await tap.finish();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, EXIT_MS)))]);
      clearTimeout(timer);
    }
    this.#end(reason);
    if (ff) await stopFfmpeg(ff);
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#quit();
    if (this.#keyframes) clearInterval(this.#keyframes);
    this.tap?.close();
    const ff = this.#ffmpeg;
    if (ff && ff.exitCode === null && ff.signalCode === null) void stopFfmpeg(ff);
    void this.#o.files.stream({ type: 'end', run: this.run, at: Date.now(), reason }).catch(() => undefined);
    this.#o.onEnd(this, reason, this.#stderr);
  }
}

