/**
 * Runs the live composition of one meeting: taps the streams the speaker-follow layout needs
 * (`media/plain-tap.ts`: a PlainTransport each, RTP to a local port), and one ffmpeg that composes
 * them into HLS (`ffmpeg-graph.ts`) in the meeting's broadcast folder.
 *
 * Layout changes (the floor or the active speaker moving, a screen shared, the chair's camera off)
 * are followed by restarting ffmpeg with the new graph: the layout is read twice a second, a new one
 * is adopted after it has held for a second (`LayoutSettler`), and the playlist continues with a
 * discontinuity. Taps are kept across restarts for the producers still shown (each gets a keyframe
 * request when the new ffmpeg listens on its port) and closed for the others. ffmpeg dying on its
 * own is restarted after a second; a missing ffmpeg is reported (`failed`), never thrown at the room.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../observability/logger';
import { spawnFfmpeg } from '../media/ffmpeg';
import { listProducers, PlainTap, waitForUdpListener } from '../media/plain-tap';
import type { Room } from '../media/room';
import { ffmpegArgs } from './ffmpeg-graph';
import { composeLayout, layoutKey, LayoutSettler, type Composition } from './speaker-layout';

export type ComposerPhase = 'starting' | 'running' | 'failed';

export interface ComposerOptions {
  meetingId: string;
  outDir: string;
  room: () => Room | undefined;
  floorHolder: () => Promise<string | null>;
  ffmpegBin: string;
  fontFile?: string;
  segmentSeconds?: number;
  logger: Logger;
  onPhase: (phase: ComposerPhase, error: string | null) => void;
  /** Told at every (re)start of ffmpeg with the composition in force (tests, metrics). */
  onComposition?: (c: Composition) => void;
}

const POLL_MS = 500;
const STOP_GRACE_MS = 2_000;
const RESTART_MIN_MS = 2_000;

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
  #lastStart = 0;
  #phase: ComposerPhase = 'starting';
  /** The composition in force. */
  current: Composition | null = null;

  constructor(options: ComposerOptions) {
    this.#o = options;
  }

  get restarts(): number {
    return this.#restarts;
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
    await fs.rm(this.#o.outDir, { recursive: true, force: true });
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
      const c = composeLayout({
        streams: room ? listProducers(room) : [],
        chairAccountId: room?.chairAccountId ?? null,
        floorHolderAccountId: holder,
        activeSpeakerPeerId: room?.activeSpeaker ?? null,
        previousMainPeerId: this.#mainPeerId,
      });
      const alive = this.#ffmpeg !== null && this.#ffmpeg.exitCode === null;
      if (!alive && this.#settler.current !== null && this.#phase !== 'failed') this.#settler.reset();
      // A crashing ffmpeg is started again at most every RESTART_MIN_MS.
      if (!alive && Date.now() - this.#lastStart < RESTART_MIN_MS) return;
      if (this.#settler.offer(layoutKey(c), Date.now()) && room) {
        this.#lastStart = Date.now();
        this.#mainPeerId = c.mainPeerId;
        await this.#run(room, c);
      }
    } catch (err) {
      this.#o.logger.error({ err, meetingId: this.#o.meetingId }, 'broadcast composition failed');
      this.#setPhase('failed', err instanceof Error ? err.message : String(err));
      this.#settler.reset();
    } finally {
      this.#busy = false;
    }
  }

  async #run(room: Room, c: Composition): Promise<void> {
    await this.#stopFfmpeg();
    if (this.#stopped) return;
    const wanted = new Set([...c.video.map((v) => v.producerId), ...c.audio]);
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
        tap = await PlainTap.open(room, id, { spatialLayer: 2 });
        this.#taps.set(id, tap);
      }
      const sdp = path.join(this.#o.outDir, 'labels', `${id}.sdp`);
      await tap.writeSdp(sdp);
      sdpFiles.set(id, sdp);
    }
    for (const v of c.video) {
      const file = path.join(this.#o.outDir, 'labels', `${v.producerId}.txt`);
      await fs.writeFile(file, v.label);
      labelFiles.set(v.producerId, file);
    }
    const args = ffmpegArgs(c, { sdpFiles, labelFiles, outDir: this.#o.outDir, ...(this.#o.fontFile ? { fontFile: this.#o.fontFile } : {}), ...(this.#o.segmentSeconds ? { segmentSeconds: this.#o.segmentSeconds } : {}) });
    // Tied to the server's life (setpriv --pdeathsig): a killed server leaves no ffmpeg behind.
    const child = spawnFfmpeg(args, { bin: this.#o.ffmpegBin });
    this.#ffmpeg = child;
    this.#restarts++;
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
    // Each tap starts once ffmpeg listens on its port (ffmpeg opens its inputs one after the other).
    for (const id of wanted) {
      const tap = this.#taps.get(id)!;
      void waitForUdpListener(tap.port, 20_000).then(async (listening) => {
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
  }
}
