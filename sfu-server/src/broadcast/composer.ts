/**
 * Runs the live composition of one meeting: taps the streams the speaker-follow layout needs
 * (`media/plain-tap.ts`: a PlainTransport each, RTP to a local port), and one ffmpeg that composes
 * them into HLS (`ffmpeg-graph.ts`) in the meeting's broadcast folder.
 *
 * The layout is read twice a second and a new one is adopted after it has held for a second
 * (`LayoutSettler`). ffmpeg reads a set of inputs (`InputSet`): the cameras shown and the other
 * live cameras of the room, up to `MAX_VIDEO_INPUTS`, and the microphones mixed. A layout the input
 * set covers (the floor or the active speaker moving between cameras already read) is shown by
 * filter commands on ffmpeg's stdin (`switchCommands`): no restart, the new picture is in the next
 * frames. Otherwise (a camera not read yet, a screen shared, a microphone unmuted or muted, an input
 * gone) ffmpeg is restarted with a new set and the playlist continues with a discontinuity. Taps are
 * kept across restarts for the producers still read (each gets a keyframe request when the new
 * ffmpeg listens on its port) and closed for the others. ffmpeg dying on its own is restarted after
 * a second; a missing ffmpeg is reported (`failed`), never thrown at the room.
 *
 * Microphones: only those that may be heard are read, by the recording's rule
 * (`recording/heard-mics.ts`: unmuted, the chair's, the floor holder's, muted less than
 * MUTED_TAP_MS ago); any other muted microphone costs no tap. One of those unmuted is read at once:
 * its producer's `resume` starts a new ffmpeg without waiting for the next look or the settling
 * second (ffmpeg cannot add an input to a running graph). A microphone muted for longer stays read
 * until ffmpeg's next start (dropping it alone would cost the viewers a restart).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../observability/logger';
import { spawnFfmpeg } from '../media/ffmpeg';
import { findProducer, listProducers, PlainTap, waitForUdpListener } from '../media/plain-tap';
import type { Room } from '../media/room';
import { mayBeHeard } from '../recording/heard-mics';
import { canShow, ffmpegArgs, switchCommands, type InputSet } from './ffmpeg-graph';
import { composeLayout, labelOf, layoutKey, LayoutSettler, MAX_AUDIO, type Composition, type LayoutStream } from './speaker-layout';

export type ComposerPhase = 'starting' | 'running' | 'failed';

export interface ComposerOptions {
  meetingId: string;
  outDir: string;
  room: () => Room | undefined;
  floorHolder: () => Promise<string | null>;
  ffmpegBin: string;
  fontFile?: string;
  segmentSeconds?: number;
  /**
   * Carrying on after a server restart: the playlist and segments already written are kept, so the
   * new ffmpeg appends to the same playlist after a discontinuity (`append_list+discont_start`) and
   * a viewer's player reloading it goes on by itself.
   */
  keepFiles?: boolean;
  logger: Logger;
  onPhase: (phase: ComposerPhase, error: string | null) => void;
  /** Told at every composition put in force, by a restart or by commands (tests, metrics). */
  onComposition?: (c: Composition) => void;
}

const POLL_MS = 500;
const STOP_GRACE_MS = 2_000;
const RESTART_MIN_MS = 2_000;
/** Longest wait for ffmpeg to open one input (it opens them one after the other). */
const LISTEN_WAIT_MS = 10 * 60_000;
/** Cameras one ffmpeg reads at most (each costs its decoding and scaling, shown or not). */
export const MAX_VIDEO_INPUTS = 4;

export class BroadcastComposer {
  readonly #o: ComposerOptions;
  readonly #settler = new LayoutSettler();
  readonly #taps = new Map<string, PlainTap>();
  #timer: NodeJS.Timeout | null = null;
  #ffmpeg: ChildProcess | null = null;
  #mainPeerId: string | null = null;
  #busy = false;
  #stopped = false;
  #restarts = 0;
  #switches = 0;
  #lastStart = 0;
  #inputs: InputSet | null = null;
  /** What the running ffmpeg shows (its starting composition, then each switch it was sent). */
  #shown: Composition | null = null;
  /** ffmpeg's filter graph exists (its playlist named a segment): before that a command is lost. */
  #graphReady = false;
  #phase: ComposerPhase = 'starting';
  /** This broadcast's part of its segments' names (see GraphInputs.run). */
  readonly #segmentRun = Date.now().toString(36);
  /** The composition in force. */
  current: Composition | null = null;
  /** Microphones: when each was last heard (seen unmuted, or muted just now). */
  readonly #heardAt = new Map<string, number>();
  /** Microphones whose producer's pause/resume we listen to, and how to stop listening. */
  readonly #watched = new Map<string, () => void>();
  /** A microphone ffmpeg does not read was unmuted: the next look starts a new ffmpeg at once. */
  #urgent = false;

  constructor(options: ComposerOptions) {
    this.#o = options;
  }

  /** ffmpegs started (the first one included). */
  get restarts(): number {
    return this.#restarts;
  }

  /** Layout changes shown by commands, without a restart. */
  get switches(): number {
    return this.#switches;
  }

  async start(): Promise<void> {
    // A missing ffmpeg is a clear error for the chair, once, rather than a restart loop.
    // (asynchronously: a blocked event loop would drop every signaling connection of the server)
    const works = await new Promise<boolean>((resolve) => execFile(this.#o.ffmpegBin, ['-hide_banner', '-version'], { timeout: 10_000 }, (err) => resolve(!err)));
    if (!works) {
      this.#o.logger.error({ bin: this.#o.ffmpegBin, meetingId: this.#o.meetingId }, 'ffmpeg is missing: the broadcast cannot run');
      this.#setPhase('failed', `ffmpeg not found or not working (${this.#o.ffmpegBin}): install the Debian package ffmpeg (scripts/setup.sh does)`);
      return;
    }
    if (!this.#o.keepFiles) await fs.rm(this.#o.outDir, { recursive: true, force: true });
    await fs.mkdir(path.join(this.#o.outDir, 'labels'), { recursive: true });
    this.#timer = setInterval(() => void this.#tick(), POLL_MS);
    await this.#tick();
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      const room = this.#o.room();
      const holder = await this.#o.floorHolder().catch(() => null);
      const streams = room ? listProducers(room) : [];
      if (room) this.#noteMics(room, streams);
      const c = composeLayout({
        streams,
        chairAccountId: room?.chairAccountId ?? null,
        floorHolderAccountId: holder,
        activeSpeakerPeerId: room?.activeSpeaker ?? null,
        previousMainPeerId: this.#mainPeerId,
      });
      const alive = this.#ffmpeg !== null && this.#ffmpeg.exitCode === null;
      if (!alive && this.#settler.current !== null && this.#phase !== 'failed') this.#settler.reset();
      // A crashing ffmpeg is started again at most every RESTART_MIN_MS.
      if (!alive && Date.now() - this.#lastStart < RESTART_MIN_MS) return;
      const urgent = this.#urgent;
      this.#urgent = false;
      // A camera gone or paused sends nothing, and ffmpeg would wait on it (a microphone read is
      // filled with silence while muted: only its end counts).
      const live = new Set(streams.filter((x) => !x.paused).map((x) => x.producerId));
      const present = new Set(streams.map((x) => x.producerId));
      const inputGone = alive && this.#inputs !== null && (this.#inputs.video.some((v) => !live.has(v.producerId)) || this.#inputs.audio.some((id) => !present.has(id)));
      if (inputGone) this.#settler.reset();
      if ((urgent ? this.#settler.adopt(layoutKey(c)) : this.#settler.offer(layoutKey(c), Date.now())) && room) {
        this.#mainPeerId = c.mainPeerId;
        if (alive && !inputGone && this.#inputs && this.current && canShow(this.#inputs, c)) {
          this.#switch(c);
        } else {
          this.#lastStart = Date.now();
          const now = Date.now();
          await this.#run(room, c, inputSetFor(c, streams, room.chairAccountId ?? null, holder, (id) => this.#heardAt.get(id), now));
        }
      }
    } catch (err) {
      this.#o.logger.error({ err, meetingId: this.#o.meetingId }, 'broadcast composition failed');
      this.#setPhase('failed', err instanceof Error ? err.message : String(err));
      this.#settler.reset();
    } finally {
      this.#busy = false;
    }
  }

  /** When each microphone was last heard, and a listener on its pause and resume. */
  #noteMics(room: Room, streams: readonly LayoutStream[]): void {
    const now = Date.now();
    const present = new Set(streams.map((x) => x.producerId));
    for (const [id, unwatch] of this.#watched) {
      if (present.has(id)) continue;
      unwatch();
      this.#watched.delete(id);
      this.#heardAt.delete(id);
    }
    for (const x of streams) {
      if (x.source !== 'mic') continue;
      if (!x.paused) this.#heardAt.set(x.producerId, now);
      if (this.#watched.has(x.producerId)) continue;
      const found = findProducer(room, x.producerId);
      if (!found) continue;
      const { observer } = found.producer;
      const onResume = () => {
        this.#heardAt.set(x.producerId, Date.now());
        if (this.#stopped || this.#inputs?.audio.includes(x.producerId)) return;
        this.#urgent = true;
        void this.#tick();
      };
      const onPause = () => this.#heardAt.set(x.producerId, Date.now());
      observer.on('resume', onResume);
      observer.on('pause', onPause);
      this.#watched.set(x.producerId, () => {
        observer.off('resume', onResume);
        observer.off('pause', onPause);
      });
    }
  }

  /** Shows a composition the running ffmpeg's inputs cover: filter commands on its stdin. */
  #switch(c: Composition): void {
    this.#switches++;
    this.current = c;
    this.#o.onComposition?.(c);
    this.#sendSwitch();
  }

  /** Brings what ffmpeg shows to `current` (once its graph exists; until then it is kept for later). */
  #sendSwitch(): void {
    const child = this.#ffmpeg;
    if (!child || !this.#graphReady || !this.#inputs || !this.#shown || !this.current || this.#shown === this.current) return;
    const commands = switchCommands(this.#inputs, this.#shown, this.current);
    if (commands) child.stdin?.write(commands);
    this.#shown = this.current;
    this.#o.logger.debug({ meetingId: this.#o.meetingId, main: this.current.video[0]?.producerId }, 'broadcast layout switched by commands');
  }

  async #run(room: Room, c: Composition, set: InputSet): Promise<void> {
    await this.#stopFfmpeg();
    if (this.#stopped) return;
    const wanted = new Set([...set.video.map((v) => v.producerId), ...set.audio]);
    for (const [id, tap] of this.#taps) {
      if (!wanted.has(id) || tap.closed) {
        tap.close();
        this.#taps.delete(id);
      }
    }
    const sdpFiles = new Map<string, string>();
    const labelFiles = new Map<string, string>();
    for (const id of wanted) {
      let tap = this.#taps.get(id);
      if (!tap) {
        tap = await PlainTap.open(room, id, { spatialLayer: 2, fillSilence: true });
        this.#taps.set(id, tap);
      }
      const sdp = path.join(this.#o.outDir, 'labels', `${id}.sdp`);
      await tap.writeSdp(sdp);
      sdpFiles.set(id, sdp);
    }
    for (const v of set.video) {
      const file = path.join(this.#o.outDir, 'labels', `${v.producerId}.txt`);
      await fs.writeFile(file, v.label);
      labelFiles.set(v.producerId, file);
    }
    const args = ffmpegArgs(set, c, { sdpFiles, labelFiles, outDir: this.#o.outDir, run: this.#segmentRun, ...(this.#o.fontFile ? { fontFile: this.#o.fontFile } : {}), ...(this.#o.segmentSeconds ? { segmentSeconds: this.#o.segmentSeconds } : {}) });
    // Tied to the server's life (setpriv --pdeathsig): a killed server leaves no ffmpeg behind.
    const child = spawnFfmpeg(args, { bin: this.#o.ffmpegBin });
    this.#ffmpeg = child;
    // A closed stdin (ffmpeg gone) must not throw at the server.
    child.stdin?.on('error', () => undefined);
    this.#restarts++;
    this.#inputs = set;
    this.#shown = c;
    this.#graphReady = false;
    this.current = c;
    this.#o.onComposition?.(c);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.once('error', (err: Error) => {
      this.#o.logger.error({ err, meetingId: this.#o.meetingId }, 'ffmpeg failed to start');
      this.#setPhase('failed', err.message);
    });
    child.once('exit', (code, signal) => {
      if (this.#ffmpeg !== child) return;
      this.#ffmpeg = null;
      if (this.#stopped) return;
      this.#o.logger.warn({ meetingId: this.#o.meetingId, code, signal, stderr: stderr.slice(-1000) }, 'broadcast ffmpeg ended by itself; restarting');
      // The next tick composes again (the settler was reset) and starts a new ffmpeg.
      if (this.#phase !== 'failed') this.#setPhase('starting', null);
    });
    // Each tap starts once ffmpeg listens on its port (ffmpeg opens its inputs one after the other,
    // each video waiting for a keyframe: on a loaded machine the last one is opened a minute later).
    // Waiting as long as this ffmpeg lives: a tap given up after 20 s was never started, so its
    // input got nothing, ffmpeg spent 10 s on it (the SDP demuxer's read timeout) and then dropped
    // it: the broadcast had no sound from any microphone opened after those 20 s.
    const alive = () => this.#ffmpeg === child && child.exitCode === null && !this.#stopped;
    for (const id of wanted) {
      const tap = this.#taps.get(id)!;
      void waitForUdpListener(tap.port, LISTEN_WAIT_MS, alive).then(async (listening) => {
        if (!listening || child.exitCode !== null) return;
        await tap.start();
        this.#o.logger.debug({ meetingId: this.#o.meetingId, producerId: id, port: tap.port }, 'broadcast tap started');
        void tap.firstPacketAt.then((at) => this.#o.logger.debug({ meetingId: this.#o.meetingId, producerId: id, at }, 'broadcast tap: first packet sent'));
        // A keyframe lost in the first packets would stall the probe: ask once more.
        setTimeout(() => void tap.requestKeyFrame(), 700).unref();
      });
    }
    void this.#watchFirstSegment(child);
  }

  /** `running` once the playlist of this ffmpeg names a segment. */
  async #watchFirstSegment(child: ChildProcess): Promise<void> {
    const playlist = path.join(this.#o.outDir, 'index.m3u8');
    const before = await fs.stat(playlist).then((s) => s.mtimeMs).catch(() => 0);
    for (let i = 0; i < 600 && this.#ffmpeg === child && child.exitCode === null; i++) {
      const st = await fs.stat(playlist).catch(() => null);
      if (st && st.mtimeMs > before) {
        this.#graphReady = true;
        this.#sendSwitch();
        this.#setPhase('running', null);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  #setPhase(phase: ComposerPhase, error: string | null): void {
    if (this.#phase === phase && phase !== 'failed') return;
    this.#phase = phase;
    this.#o.onPhase(phase, error);
  }

  async #stopFfmpeg(): Promise<void> {
    const child = this.#ffmpeg;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.#ffmpeg = null;
      return;
    }
    this.#ffmpeg = null;
    this.#inputs = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // SIGINT (to setpriv, which passes it on) makes ffmpeg finish the segment and the playlist at once.
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#stopFfmpeg();
    for (const tap of this.#taps.values()) tap.close();
    this.#taps.clear();
    for (const unwatch of this.#watched.values()) unwatch();
    this.#watched.clear();
  }
}

/**
 * The streams a new ffmpeg reads: the composition's cameras first, then the other live cameras
 * (the floor holder's and the chair's before the rest), so the next speakers are shown by commands;
 * the composition's microphones, then the muted ones that may be heard (`mayBeHeard`: the floor
 * holder's, the chair's, one muted less than MUTED_TAP_MS ago — silence until unmuted, so giving the
 * floor back and forth between them needs no restart), up to MAX_AUDIO. `lastHeardAt`: when a
 * microphone was last seen unmuted or muted.
 */
export function inputSetFor(c: Composition, streams: readonly LayoutStream[], chairAccountId: string | null, floorHolder: string | null, lastHeardAt: (producerId: string) => number | undefined = () => undefined, now = Date.now()): InputSet {
  const video: Array<{ producerId: string; label: string }> = c.video.map((t) => ({ producerId: t.producerId, label: t.label }));
  const rank = (x: LayoutStream) => (x.accountId === floorHolder ? 0 : x.accountId === chairAccountId ? 1 : 2);
  const others = streams.filter((x) => !x.paused && x.source === 'webcam' && !video.some((v) => v.producerId === x.producerId)).sort((a, b) => rank(a) - rank(b));
  for (const x of others) {
    if (video.length >= MAX_VIDEO_INPUTS) break;
    video.push({ producerId: x.producerId, label: labelOf(x) });
  }
  const audio = [...c.audio];
  const heard = (x: LayoutStream) => mayBeHeard(x, { chairId: chairAccountId ?? '', holderId: floorHolder, lastHeardAt: lastHeardAt(x.producerId), now });
  const mutedMics = streams.filter((x) => x.paused && x.source === 'mic' && !audio.includes(x.producerId) && heard(x)).sort((a, b) => rank(a) - rank(b));
  for (const x of mutedMics) {
    if (audio.length >= MAX_AUDIO) break;
    audio.push(x.producerId);
  }
  return { video, audio };
}
