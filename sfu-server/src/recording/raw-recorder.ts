/**
 * Records one meeting's room while a recording runs: every 500 ms it looks at the room's
 * producers and
 * - taps every microphone (a muted one starts its ffmpeg when it is unmuted), every screen share, and the camera of
 *   the chair, of the floor holder and of the active speaker (once tapped, a camera is kept);
 * - writes the timeline: floor holder, active speaker, screen sharers (with their points' names),
 *   and gaps: no room (its worker died, or the server restarts) until a room is back.
 * A run that ends by itself (worker death, ffmpeg exit) is replaced by a new run as soon as the
 * producer (or its successor after the rejoin) is there again: recording continues by itself.
 * Looking every 500 ms instead of hooking room internals keeps this robust to rooms being made
 * again on another worker.
 */
import { randomUUID } from 'node:crypto';
import { listProducers } from '../media/plain-tap';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import type { Person, RecordingFiles } from './recording-files';
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
    await Promise.all([...this.#runs.values()].map((r) => r.stop('recording-stopped')));
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
    const now = Date.now();
    for (const p of producers) {
      if (this.#runs.has(p.producerId)) continue;
      if ((this.#retryAfter.get(p.producerId) ?? 0) > now) continue;
      // Every microphone, muted or not: a muted one costs a tap and no ffmpeg until it is unmuted
      // (see StreamRun), and its first words are not lost to the time this loop takes to notice.
      const wanted = this.#chosen.has(p.producerId) || p.source === 'mic' || p.source === 'screen' || featured.has(p.accountId);
      if (!wanted) continue;
      this.#chosen.add(p.producerId);
      const run = new StreamRun({
        files,
        room,
        producerId: p.producerId,
        run: `${String(++this.#runCount).padStart(4, '0')}-${p.source}-${randomUUID().slice(0, 8)}`,
        segmentSeconds: this.#o.segmentSeconds,
        onEnd: (r, reason, stderr) => {
          if (this.#runs.get(r.producerId) === r) this.#runs.delete(r.producerId);
          if (this.#stopped || reason === 'recording-stopped') return;
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
  }

  async #note(key: 'floor' | 'speaker' | 'screen', value: string, write: () => Promise<void>): Promise<void> {
    if (this.#last[key] === value) return;
    this.#last[key] = value;
    await write();
  }
}
