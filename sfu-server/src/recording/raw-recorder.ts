/**
 * Records one meeting's room while a recording runs: every 500 ms it looks at the room's
 * producers and
 * - taps the microphones that may be heard (`heard-mics.ts`: unmuted, the chair's, the floor holder's,
 *   muted for less than MUTED_TAP_MS; any other the moment its producer is resumed, without waiting
 *   for the next look), every screen share, and the camera of the chair, of the floor holder and of
 *   the active speaker (once tapped, a camera is kept); a microphone muted for longer is let go;
 * - writes the timeline: floor holder, active speaker, screen sharers (with their points' names),
 *   and gaps: no room (its worker died, or the server restarts) until a room is back.
 * A run that ends by itself (worker death, ffmpeg exit) is replaced by a new run as soon as the
 * producer (or its successor after the rejoin) is there again: recording continues by itself.
 * Looking every 500 ms instead of hooking room internals keeps this robust to rooms being made
 * again on another worker.
 */
import { randomUUID } from 'node:crypto';
import { findProducer, listProducers, type TapStreamInfo } from '../media/plain-tap';
import type { Room } from '../media/room';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import type { Person, RecordingFiles } from './recording-files';
import { mayBeHeard } from './heard-mics';
import { StreamRun } from './stream-run';

export interface RawRecorderOptions {
  meetingId: string;
  chairId: string;
  files: RecordingFiles;
  rooms: Rooms;
  segmentSeconds: number;
  /** The floor holder now (account), if any. */
  floorHolder: () => Promise<Person | null>;
  logger: Logger;
  /** A run's ffmpeg said the disk is full. */
  onDiskFull: () => void;
  /** Carrying on after a restart: the first room seen ends the gap. */
  startInGap?: boolean;
  /** How long a muted microphone keeps its tap (default MUTED_TAP_MS). */
  mutedTapMs?: number;
}

const POLL_MS = 500;
/** A producer whose run failed waits this long before another is tried (what it sends meanwhile is lost: be quick). */
const RETRY_MS = 500;

export class RawRecorder {
  readonly #o: RawRecorderOptions;
  readonly #runs = new Map<string, StreamRun>();
  /** Producers tapped at least once (cameras stay tapped once chosen). */
  readonly #chosen = new Set<string>();
  readonly #retryAfter = new Map<string, number>();
  /** Microphones: when each was last heard (seen unmuted, or muted just now). */
  readonly #heardAt = new Map<string, number>();
  /** Runs of microphones let go, still handing their last packets to ffmpeg (the recording's stop waits for them). */
  readonly #lettingGo = new Set<Promise<void>>();
  /** Microphones whose producer's pause/resume we listen to, and how to stop listening. */
  readonly #watched = new Map<string, () => void>();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;
  #inGap = false;
  #seenRoom = false;
  #last = { floor: '', speaker: '', screen: '' };
  #runCount = 0;

  constructor(options: RawRecorderOptions) {
    this.#o = options;
    this.#inGap = options.startInGap ?? false;
  }

  /** Runs recording now (for metrics and tests). */
  get activeRuns(): StreamRun[] {
    return [...this.#runs.values()];
  }

  start(): void {
    this.#timer = setInterval(() => void this.#tick(), POLL_MS);
    void this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    while (this.#busy) await new Promise((r) => setTimeout(r, 20));
    for (const unwatch of this.#watched.values()) unwatch();
    this.#watched.clear();
    await Promise.all([...[...this.#runs.values()].map((r) => r.stop('recording-stopped')), ...this.#lettingGo]);
    this.#runs.clear();
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      await this.#sync();
    } catch (err) {
      this.#o.logger.warn({ err }, 'recording sync failed');
    } finally {
      this.#busy = false;
    }
  }

  async #sync(): Promise<void> {
    const { files, rooms, meetingId } = this.#o;
    const room = rooms.find(meetingId);
    if (!room || room.peers.size === 0) {
      if (!this.#inGap && this.#seenRoom) {
        this.#inGap = true;
        await files.timeline({ type: 'gap', at: Date.now(), reason: room ? 'room-empty' : 'room-closed' });
      }
      return;
    }
    this.#seenRoom = true;
    if (this.#inGap) {
      this.#inGap = false;
      await files.timeline({ type: 'gap-end', at: Date.now() });
    }
    const producers = listProducers(room);
    const byAccount = new Map<string, Person>();
    for (const peer of room.peers.values()) byAccount.set(peer.identity.accountId, { accountId: peer.identity.accountId, displayName: peer.identity.displayName, pointName: peer.identity.pointName });
    const speakerPeer = room.activeSpeaker ? room.peers.get(room.activeSpeaker) : undefined;
    const speaker = speakerPeer ? (byAccount.get(speakerPeer.identity.accountId) ?? null) : null;
    const holder = await this.#o.floorHolder();
    const sharers = producers.filter((p) => p.source === 'screen').map((p) => byAccount.get(p.accountId)).filter((p): p is Person => Boolean(p));
    await this.#note('floor', holder?.accountId ?? '', () => files.timeline({ type: 'floor', at: Date.now(), holder }));
    await this.#note('speaker', speaker?.accountId ?? '', () => files.timeline({ type: 'speaker', at: Date.now(), speaker }));
    await this.#note('screen', sharers.map((s) => s.accountId).join(','), () => files.timeline({ type: 'screen', at: Date.now(), sharers }));

    const featured = new Set([this.#o.chairId, holder?.accountId, speaker?.accountId].filter((x): x is string => Boolean(x)));
    const live = new Set(producers.map((p) => p.producerId));
    for (const [id, run] of this.#runs) {
      if (!live.has(id) || run.ended) this.#runs.delete(id);
    }
    for (const [id, unwatch] of this.#watched) {
      if (live.has(id)) continue;
      unwatch();
      this.#watched.delete(id);
      this.#heardAt.delete(id);
    }
    const now = Date.now();
    for (const p of producers) {
      if (p.source === 'mic') {
        this.#watch(p);
        if (!p.paused) this.#heardAt.set(p.producerId, now);
        const heard = mayBeHeard(p, { chairId: this.#o.chairId, holderId: holder?.accountId ?? null, lastHeardAt: this.#heardAt.get(p.producerId), now, ...(this.#o.mutedTapMs !== undefined ? { mutedTapMs: this.#o.mutedTapMs } : {}) });
        const run = this.#runs.get(p.producerId);
        if (run && !heard) {
          // Muted for a while: its tap (transport, consumer, relay) and its ffmpeg are let go; what
          // was recorded stays, and unmuting makes a new run at once.
          this.#runs.delete(p.producerId);
          const done = run.stop('muted').catch(() => undefined);
          this.#lettingGo.add(done);
          void done.finally(() => this.#lettingGo.delete(done));
          continue;
        }
        if (!run && heard) this.#startRun(room, p);
        continue;
      }
      if (this.#runs.has(p.producerId)) continue;
      const wanted = this.#chosen.has(p.producerId) || p.source === 'screen' || featured.has(p.accountId);
      if (!wanted) continue;
      this.#chosen.add(p.producerId);
      this.#startRun(room, p);
    }
  }

  /**
   * Listens to a microphone's pause and resume: resumed, it is tapped now rather than at the next
   * look (which takes seconds on a loaded machine), and the moment it was resumed is written with
   * its run, so the milliseconds before the tap took the media are known.
   */
  #watch(p: TapStreamInfo): void {
    if (this.#watched.has(p.producerId)) return;
    const room = this.#o.rooms.find(this.#o.meetingId);
    const found = room ? findProducer(room, p.producerId) : undefined;
    if (!room || !found) return;
    const { observer } = found.producer;
    const onResume = () => {
      const at = Date.now();
      this.#heardAt.set(p.producerId, at);
      if (this.#stopped || this.#runs.has(p.producerId) || this.#o.rooms.find(this.#o.meetingId) !== room) return;
      this.#startRun(room, p, at);
    };
    const onPause = () => this.#heardAt.set(p.producerId, Date.now());
    observer.on('resume', onResume);
    observer.on('pause', onPause);
    this.#watched.set(p.producerId, () => {
      observer.off('resume', onResume);
      observer.off('pause', onPause);
    });
  }

  #startRun(room: Room, p: TapStreamInfo, heardSince?: number): void {
    if ((this.#retryAfter.get(p.producerId) ?? 0) > Date.now()) return;
    const run = new StreamRun({
      files: this.#o.files,
      room,
      producerId: p.producerId,
      run: `${String(++this.#runCount).padStart(4, '0')}-${p.source}-${randomUUID().slice(0, 8)}`,
      segmentSeconds: this.#o.segmentSeconds,
      ...(heardSince !== undefined ? { heardSince } : {}),
      onEnd: (r, reason, stderr) => {
        if (this.#runs.get(r.producerId) === r) this.#runs.delete(r.producerId);
        if (this.#stopped || reason === 'recording-stopped' || reason === 'muted') return;
        this.#retryAfter.set(r.producerId, Date.now() + RETRY_MS);
        if (/No space left on device/i.test(stderr)) this.#o.onDiskFull();
        this.#o.logger.info({ run: r.run, reason }, 'raw stream run ended');
      },
    });
    this.#runs.set(p.producerId, run);
    // Runs start side by side, not one after the other: an ffmpeg slow to listen must not hold
    // the others back, nor the timeline (written at the top of each round).
    void run.start().catch(async (err: unknown) => {
      this.#o.logger.warn({ err, producer: p.producerId }, 'could not tap a producer');
      await run.stop('tap-failed');
    });
  }

  async #note(key: 'floor' | 'speaker' | 'screen', value: string, write: () => Promise<void>): Promise<void> {
    if (this.#last[key] === value) return;
    this.#last[key] = value;
    await write();
  }
}
