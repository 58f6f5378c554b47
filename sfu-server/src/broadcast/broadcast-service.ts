/**
 * The live broadcast (phát trực tiếp) of meetings: the chair (or the secretary, or an admin) turns
 * it on in a live meeting; a `BroadcastComposer` then writes HLS into `<BROADCAST_DIR>/<meetingId>/`
 * until it is turned off or the meeting ends. Turning on and off is audited and pushed to the room
 * (`broadcast.changed`) and to meeting pages (`meetingChanged { topic: 'broadcast' }`).
 *
 * Viewers fetch the files at `/live/<meetingId>/<token>/<file>` (`broadcast-routes.ts`): the token
 * (`watch-token.ts`) names the account and session; each request is checked against the session
 * (not revoked, account not disabled) and the meeting's rule `broadcast.watch` as they are now,
 * cached `ACCESS_CACHE_MS` per token, so revoking an invitation or a session stops the files within
 * seconds while a thousand viewers cost a handful of database reads a second.
 *
 * A broadcast that is on survives a server restart or crash: `<BROADCAST_DIR>/state/<meetingId>.json`
 * is written when it is turned on and removed when it is turned off or the meeting ends; `init()`
 * turns every one still there back on if its meeting is still live (audited `broadcast.resume`
 * with the gap: from the playlist's last write to now), keeping the playlist so players carry on.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { currentActor } from '../access/current-actor';
import { canOnMeeting, type Actor } from '../auth/policy';
import { AppError, forbidden } from '../errors';
import type { FloorService } from '../floor/floor-service';
import type { Rooms } from '../media/rooms';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Logger } from '../observability/logger';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import type { BroadcastState } from '../../../common/api/broadcast';
import { BroadcastComposer, type ComposerPhase } from './composer';
import type { WatchTokens } from './watch-token';

export const ACCESS_CACHE_MS = 5_000;

interface Live {
  since: string;
  by: string;
  phase: ComposerPhase;
  error: string | null;
  announcedRunning: boolean;
  composer: BroadcastComposer;
}

export interface BroadcastOptions {
  db: Db;
  meetings: MeetingsService;
  rooms: Rooms;
  floor: FloorService;
  tokens: WatchTokens;
  dir: string;
  ffmpegBin: string;
  segmentSeconds: number;
  tokenHours: number;
  logger: Logger;
  /** Tells the room and the meeting pages that the broadcast changed. */
  changed: (meetingId: string, on: boolean, since: string | null) => void;
}

export class BroadcastService {
  readonly #o: BroadcastOptions;
  readonly #live = new Map<string, Live>();
  readonly #access = new Map<string, { ok: boolean; at: number }>();
  /** Turning on/off runs one at a time per meeting. */
  readonly #switching = new Map<string, Promise<unknown>>();

  constructor(options: BroadcastOptions) {
    this.#o = options;
  }

  /** Broadcasts carried on after a restart (a promise per meeting; for tests). */
  readonly resumed = new Map<string, Promise<void>>();

  #stateFile(meetingId: string): string {
    return path.join(this.#o.dir, 'state', `${meetingId}.json`);
  }

  /**
   * At start: the broadcasts that were on when the server stopped (or crashed) come back on if their
   * meeting is still live; the others are closed (audited as the system's stop).
   */
  async init(): Promise<void> {
    const names = await fs.readdir(path.join(this.#o.dir, 'state')).catch(() => [] as string[]);
    for (const name of names) {
      const m = /^([0-9a-f-]{36})\.json$/.exec(name);
      if (!m) continue;
      const meetingId = m[1]!;
      const saved = await fs
        .readFile(this.#stateFile(meetingId), 'utf8')
        .then((t) => JSON.parse(t) as { since?: unknown; by?: unknown })
        .catch(() => null);
      const since = typeof saved?.since === 'string' ? saved.since : new Date().toISOString();
      const by = typeof saved?.by === 'string' ? saved.by : null;
      // The last moment it is known to have run: ffmpeg's last playlist (else when it was turned on).
      const lastAt = await fs
        .stat(path.join(this.dirOf(meetingId), 'index.m3u8'))
        .then((st) => st.mtimeMs)
        .catch(() => Date.parse(since) || Date.now());
      const meeting = await this.#o.db.selectFrom('meetings').select(['status']).where('id', '=', meetingId).executeTakeFirst();
      if (meeting?.status !== 'live') {
        await fs.rm(this.#stateFile(meetingId), { force: true });
        await this.#o.db.transaction().execute((tx) => audit(tx, { actorId: null, action: 'broadcast.stop', targetType: 'meeting', targetId: meetingId, details: { since, reason: 'meeting no longer live after a server restart', lastAt: new Date(lastAt).toISOString() } }));
        continue;
      }
      const gap = { from: new Date(lastAt).toISOString(), to: new Date().toISOString() };
      await this.#o.db.transaction().execute((tx) => audit(tx, { actorId: null, action: 'broadcast.resume', targetType: 'meeting', targetId: meetingId, details: { since, by, reason: 'server-restart', gap } }));
      this.#o.logger.info({ meetingId, gap }, 'the broadcast carries on after a restart');
      const run = this.#start(meetingId, since, by ?? '', true).catch((err: unknown) => this.#o.logger.error({ err, meetingId }, 'carrying on a broadcast after a restart failed'));
      this.resumed.set(meetingId, run);
    }
  }

  /** The folder of a meeting's playlist and segments. */
  dirOf(meetingId: string): string {
    return path.join(this.#o.dir, meetingId);
  }

  isOn(meetingId: string): boolean {
    return this.#live.has(meetingId);
  }

  composer(meetingId: string): BroadcastComposer | undefined {
    return this.#live.get(meetingId)?.composer;
  }

  async state(actor: Actor, meetingId: string): Promise<BroadcastState> {
    const facts = await this.#o.meetings.authorize(actor, meetingId, 'meeting.view');
    const live = this.#live.get(meetingId);
    const canWatch = canOnMeeting(actor, 'broadcast.watch', facts);
    let playlistUrl: string | null = null;
    if (live && canWatch) {
      // Expiry rounded up to the hour: the same viewer gets the same URL all hour long, so reloading
      // the state (a phase change, a reconnect) does not restart its player.
      const exp = Math.ceil((Date.now() / 1000 + this.#o.tokenHours * 3600) / 3600) * 3600;
      const token = this.#o.tokens.sign({ meetingId, accountId: actor.accountId, sessionId: actor.sessionId, exp });
      playlistUrl = `/live/${meetingId}/${token}/index.m3u8`;
    }
    return {
      meetingId,
      on: live !== undefined,
      since: live?.since ?? null,
      phase: live?.phase ?? 'off',
      error: live?.error ?? null,
      canManage: canOnMeeting(actor, 'broadcast.manage', facts),
      canWatch,
      watchOnly: facts.watchOnly === true && !facts.invited,
      playlistUrl,
    };
  }

  async set(actor: Actor, meetingId: string, on: boolean): Promise<BroadcastState> {
    const facts = await this.#o.meetings.authorize(actor, meetingId, 'meeting.view');
    if (!canOnMeeting(actor, 'broadcast.manage', facts)) {
      if (facts.status !== 'live') throw new AppError('meeting_not_live', 'the broadcast runs only while the meeting is live');
      throw forbidden('only the chair and the secretary turn the live broadcast on and off');
    }
    const previous = this.#switching.get(meetingId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => (on ? this.#turnOn(actor, meetingId) : this.#turnOff(actor.accountId, meetingId)));
    this.#switching.set(meetingId, run);
    await run;
    return this.state(actor, meetingId);
  }

  async #turnOn(actor: Actor, meetingId: string): Promise<void> {
    if (this.#live.has(meetingId)) return;
    const since = new Date().toISOString();
    await this.#o.db.transaction().execute((tx) => audit(tx, { actorId: actor.accountId, action: 'broadcast.start', targetType: 'meeting', targetId: meetingId, details: {} }));
    await fs.mkdir(path.dirname(this.#stateFile(meetingId)), { recursive: true });
    await fs.writeFile(this.#stateFile(meetingId), JSON.stringify({ since, by: actor.accountId }));
    await this.#start(meetingId, since, actor.accountId, false);
  }

  /** Starts the composer of a broadcast turned on (now, or before a restart: `resume`). */
  async #start(meetingId: string, since: string, by: string, resume: boolean): Promise<void> {
    if (this.#live.has(meetingId)) return;
    const live: Live = {
      since,
      by,
      phase: 'starting',
      error: null,
      announcedRunning: false,
      composer: new BroadcastComposer({
        meetingId,
        outDir: this.dirOf(meetingId),
        room: () => this.#o.rooms.find(meetingId),
        floorHolder: async () => (await this.#o.floor.model(meetingId)).holder?.accountId ?? null,
        ffmpegBin: this.#o.ffmpegBin,
        segmentSeconds: this.#o.segmentSeconds,
        keepFiles: resume,
        logger: this.#o.logger,
        onPhase: (phase, error) => {
          const was = live.phase;
          live.phase = phase;
          live.error = error;
          // Told to everyone only when it matters to them (first picture, a failure, back from one):
          // not at every layout change, or every viewer would ask for the state again.
          const tell = phase === 'failed' || (phase === 'running' && (!live.announcedRunning || was === 'failed'));
          if (phase === 'running') live.announcedRunning = true;
          if (tell && this.#live.get(meetingId) === live) this.#o.changed(meetingId, true, since);
        },
      }),
    };
    this.#live.set(meetingId, live);
    await live.composer.start();
    this.#o.changed(meetingId, true, since);
  }

  async #turnOff(actorId: string | null, meetingId: string, reason = 'turned off'): Promise<void> {
    const live = this.#live.get(meetingId);
    if (!live) return;
    this.#live.delete(meetingId);
    // Stopping the server keeps the broadcast on for the next start (init); anything else ends it.
    if (reason !== 'server stopping') await fs.rm(this.#stateFile(meetingId), { force: true });
    await live.composer.stop();
    await this.#o.db
      .transaction()
      .execute((tx) => audit(tx, { actorId, action: 'broadcast.stop', targetType: 'meeting', targetId: meetingId, details: { since: live.since, reason } }))
      .catch((err: unknown) => this.#o.logger.error({ err, meetingId }, 'auditing the end of a broadcast failed'));
    this.#o.changed(meetingId, false, null);
  }

  /** The meeting ended or was cancelled: its broadcast ends (audited as the system's). */
  async meetingEnded(meetingId: string): Promise<void> {
    await this.#turnOff(null, meetingId, 'meeting ended');
  }

  /**
   * May the holder of this token fetch this meeting's broadcast files now? Checked per request:
   * the token's signature and expiry, then (cached ACCESS_CACHE_MS) the session and the meeting rule.
   */
  async mayFetch(meetingId: string, token: string): Promise<boolean> {
    const claims = this.#o.tokens.verify(token);
    if (!claims || claims.meetingId !== meetingId) return false;
    const now = Date.now();
    const cached = this.#access.get(token);
    if (cached && now - cached.at < ACCESS_CACHE_MS) return cached.ok;
    let ok = false;
    const actor = await currentActor(this.#o.db, { accountId: claims.accountId, sessionId: claims.sessionId, role: 'observer', displayName: '', unitId: null, bridgePointId: null });
    if (actor) {
      const facts = await this.#o.meetings.facts(actor, meetingId).catch(() => null);
      ok = facts !== null && canOnMeeting(actor, 'broadcast.watch', facts);
    }
    if (this.#access.size > 50_000) this.#access.clear();
    this.#access.set(token, { ok, at: now });
    return ok;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#live.keys()].map((id) => this.#turnOff(null, id, 'server stopping')));
  }
}
