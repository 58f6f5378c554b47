/**
 * Recordings of meetings (issue 14): start and stop from the room (the meeting's chair or
 * secretary), raw streams while the meeting runs (RawRecorder), the archive composed afterwards
 * (one job at a time, nice 15), the archive's list and files with the meeting's rules, deletion
 * by the secretary, retention. Every start, stop and deletion is audited; recordings that were
 * running when the server stopped carry on by themselves when it starts again (the gap is in the
 * timeline), and archives whose composing was cut are composed again.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fsp from 'node:fs/promises';
import type { RecordingItem } from '../../../common/api/recording';
import type { RecordingState } from '../../../common/protocol/recording';
import type { Actor, MeetingFacts } from '../auth/policy';
import { AppError, notFound } from '../errors';
import { ffmpegAvailable, ffprobeJson } from '../media/ffmpeg';
import type { Rooms } from '../media/rooms';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Logger } from '../observability/logger';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import { composeArchive } from './compose';
import { planLayout } from './layout-plan';
import { freeBytes, RecordingFiles, type Person } from './recording-files';
import { RawRecorder } from './raw-recorder';

export interface RecordingServiceOptions {
  db: Db;
  meetings: MeetingsService;
  rooms: Rooms;
  dir: string;
  segmentSeconds: number;
  minFreeMb: number;
  retentionDays: number;
  /** Niceness of the composing ffmpeg (default 15). */
  composeNice?: number;
  /** The floor holder of a meeting now. */
  floorHolder: (meetingId: string) => Promise<Person | null>;
  logger: Logger;
  fontFile?: string | undefined;
}

interface Active {
  id: string;
  meetingId: string;
  startedAt: string;
  recorder: RawRecorder;
  files: RecordingFiles;
  diskTimer: NodeJS.Timeout;
}

const isOrganiser = (actor: Actor, f: MeetingFacts) => actor.accountId === f.chairId || actor.accountId === f.secretaryId || actor.accountId === f.createdBy;
/** Start and stop: the meeting's chair and secretary (a delegate is refused), while live. */
export const canManageRecording = (actor: Actor, f: MeetingFacts) => f.status === 'live' && (actor.accountId === f.chairId || actor.accountId === f.secretaryId);
/** Watch and download: invitees and organisers (and admins); a confidential recording: organisers only. */
export const canWatchRecording = (actor: Actor, f: MeetingFacts, confidential: boolean) => (confidential ? isOrganiser(actor, f) : isOrganiser(actor, f) || f.invited || actor.role === 'admin');
/** Delete: the meeting's secretary. */
export const canDeleteRecording = (actor: Actor, f: MeetingFacts) => actor.accountId === f.secretaryId;

export class RecordingService {
  readonly #o: RecordingServiceOptions;
  readonly #active = new Map<string, Active>();
  readonly #stoppedBecause = new Map<string, string>();
  #composeQueue: Promise<void> = Promise.resolve();
  readonly #finishing = new Set<Promise<void>>();
  #retentionTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RecordingServiceOptions) {
    this.#o = options;
  }

  /** Carries on recordings cut by a restart, composes archives whose job was cut, applies retention. */
  async init(): Promise<void> {
    await fsp.mkdir(this.#o.dir, { recursive: true });
    void ffmpegAvailable();
    const rows = await this.#o.db.selectFrom('recordings').selectAll().where('status', 'in', ['recording', 'composing']).execute();
    for (const row of rows) {
      if (row.status === 'recording') {
        const meeting = await this.#o.db.selectFrom('meetings').select(['status', 'chair_id']).where('id', '=', row.meeting_id).executeTakeFirst();
        const files = new RecordingFiles(this.#o.dir, row.id);
        await files.init();
        const timeline = await files.readTimeline();
        const lastAt = Math.max(Date.parse(row.started_at), ...timeline.map((e) => e.at));
        await files.timeline({ type: 'gap', at: lastAt, reason: 'server-restart' });
        if (meeting?.status === 'live') {
          await files.timeline({ type: 'resume', at: Date.now(), reason: 'server-restart' });
          this.#run(row.id, row.meeting_id, meeting.chair_id, row.started_at, files, true);
          this.#o.logger.info({ recording: row.id }, 'recording carries on after a restart');
        } else {
          await this.#finish(row.id, row.meeting_id, null, 'meeting-ended', lastAt);
        }
      } else {
        this.#enqueueCompose(row.id);
      }
    }
    await this.applyRetention();
    this.#retentionTimer = setInterval(() => void this.applyRetention(), 6 * 3600_000);
    this.#retentionTimer.unref();
  }

  async state(actor: Actor, meetingId: string): Promise<RecordingState> {
    const facts = await this.#o.meetings.facts(actor, meetingId);
    return { ...this.#state(meetingId), canManage: canManageRecording(actor, facts) };
  }

  #state(meetingId: string): Omit<RecordingState, 'canManage'> {
    const a = this.#active.get(meetingId);
    return { active: Boolean(a), recordingId: a?.id ?? null, startedAt: a?.startedAt ?? null, stoppedBecause: a ? null : (this.#stoppedBecause.get(meetingId) ?? null) };
  }

  #announce(meetingId: string): void {
    this.#o.rooms.broadcast(meetingId, 'recording.changed', this.#state(meetingId));
  }

  async start(actor: Actor, meetingId: string, confidential = false): Promise<RecordingState> {
    const facts = await this.#o.meetings.facts(actor, meetingId);
    if (!canManageRecording(actor, facts)) throw new AppError('forbidden', 'only the chair and the secretary may record the meeting', { reason: 'recording_not_allowed' });
    if (this.#active.has(meetingId)) throw new AppError('conflict', 'the meeting is already being recorded');
    if (!(await ffmpegAvailable())) throw new AppError('unavailable', 'recording is not possible: ffmpeg is not installed on the server (run scripts/setup.sh)', { reason: 'ffmpeg_missing' });
    await fsp.mkdir(this.#o.dir, { recursive: true });
    if ((await freeBytes(this.#o.dir)) < this.#o.minFreeMb * 1024 * 1024) {
      throw new AppError('storage_full', `recording is not possible: less than ${this.#o.minFreeMb} MiB free on the server's recordings disk`, { reason: 'recording_disk_full' });
    }
    const id = randomUUID();
    const startedAt = new Date().toISOString();
    const files = new RecordingFiles(this.#o.dir, id);
    await files.init();
    await this.#o.db.transaction().execute(async (tx) => {
      await tx.insertInto('recordings').values({ id, meeting_id: meetingId, status: 'recording', confidential: confidential ? 1 : 0, started_by: actor.accountId, started_at: startedAt, progress: 0 }).execute();
      await audit(tx, { actorId: actor.accountId, action: 'recording.start', targetType: 'meeting', targetId: meetingId, details: { recordingId: id, confidential } });
    });
    const chair = await this.#person(facts.chairId);
    await files.timeline({ type: 'start', at: Date.parse(startedAt), by: actor.accountId, chair });
    this.#stoppedBecause.delete(meetingId);
    this.#run(id, meetingId, facts.chairId, startedAt, files, false);
    this.#announce(meetingId);
    return { ...this.#state(meetingId), canManage: true };
  }

  #run(id: string, meetingId: string, chairId: string, startedAt: string, files: RecordingFiles, startInGap: boolean): void {
    const recorder = new RawRecorder({
      meetingId,
      chairId,
      files,
      rooms: this.#o.rooms,
      segmentSeconds: this.#o.segmentSeconds,
      floorHolder: () => this.#o.floorHolder(meetingId),
      logger: this.#o.logger.child({ recording: id }),
      onDiskFull: () => void this.#stopBecause(meetingId, 'storage_full'),
      startInGap,
    });
    const diskTimer = setInterval(() => {
      void freeBytes(this.#o.dir)
        .then((free) => (free < (this.#o.minFreeMb * 1024 * 1024) / 2 ? this.#stopBecause(meetingId, 'storage_full') : undefined))
        .catch(() => undefined);
    }, 5_000);
    diskTimer.unref();
    this.#active.set(meetingId, { id, meetingId, startedAt, recorder, files, diskTimer });
    recorder.start();
  }

  async #stopBecause(meetingId: string, reason: string): Promise<void> {
    const a = this.#active.get(meetingId);
    if (!a) return;
    this.#o.logger.warn({ recording: a.id, reason }, 'recording stopped by itself');
    this.#stoppedBecause.set(meetingId, reason);
    await this.#stopActive(a, null, reason);
  }

  async stop(actor: Actor, meetingId: string): Promise<RecordingState> {
    const facts = await this.#o.meetings.facts(actor, meetingId);
    if (!canManageRecording(actor, facts)) throw new AppError('forbidden', 'only the chair and the secretary may record the meeting', { reason: 'recording_not_allowed' });
    const a = this.#active.get(meetingId);
    if (!a) throw new AppError('conflict', 'the meeting is not being recorded');
    await this.#stopActive(a, actor.accountId, 'stopped');
    return { ...this.#state(meetingId), canManage: true };
  }

  /** The meeting ended: its recording stops and its archive is composed. */
  async meetingEnded(meetingId: string): Promise<void> {
    const a = this.#active.get(meetingId);
    if (a) await this.#stopActive(a, null, 'meeting-ended');
  }

  async #stopActive(a: Active, by: string | null, reason: string): Promise<void> {
    if (this.#active.get(a.meetingId) !== a) return;
    this.#active.delete(a.meetingId);
    clearInterval(a.diskTimer);
    this.#announce(a.meetingId);
    const at = Date.now();
    // The answer does not wait for the ffmpegs to close their files (seconds on a busy machine).
    const finishing = a.recorder
      .stop()
      .then(() => this.#finish(a.id, a.meetingId, by, reason, at))
      .catch((err: unknown) => this.#o.logger.error({ err, recording: a.id }, 'finishing a recording failed'));
    this.#finishing.add(finishing);
    void finishing.finally(() => this.#finishing.delete(finishing));
  }

  async #finish(id: string, meetingId: string, by: string | null, reason: string, at: number): Promise<void> {
    const files = new RecordingFiles(this.#o.dir, id);
    await files.timeline({ type: 'stop', at, by, reason }).catch(() => undefined);
    await this.#o.db.transaction().execute(async (tx) => {
      await tx.updateTable('recordings').set({ status: 'composing', stopped_at: new Date(at).toISOString(), stopped_by: by, progress: 0 }).where('id', '=', id).execute();
      await audit(tx, { actorId: by, action: 'recording.stop', targetType: 'meeting', targetId: meetingId, details: { recordingId: id, reason } });
    });
    this.#enqueueCompose(id);
  }

  #enqueueCompose(id: string): void {
    this.#composeQueue = this.#composeQueue.then(() => this.#compose(id)).catch((err: unknown) => this.#o.logger.error({ err, recording: id }, 'composing failed'));
  }

  /** Resolves when every queued archive has been composed (tests, shutdown). */
  async whenComposed(): Promise<void> {
    await Promise.all([...this.#finishing]);
    await this.#composeQueue;
  }

  async #compose(id: string): Promise<void> {
    if (this.#closed) return;
    const row = await this.#o.db.selectFrom('recordings').innerJoin('meetings', 'meetings.id', 'recordings.meeting_id').select(['recordings.id', 'recordings.status', 'recordings.started_at', 'recordings.stopped_at', 'meetings.chair_id', 'meetings.title']).where('recordings.id', '=', id).executeTakeFirst();
    if (!row || row.status !== 'composing' || !row.stopped_at) return;
    const files = new RecordingFiles(this.#o.dir, id);
    try {
      const plan = planLayout(await files.readStreams(), await files.readTimeline(), Date.parse(row.started_at), Date.parse(row.stopped_at), row.chair_id);
      let lastWrite = 0;
      await composeArchive({
        files,
        plan,
        nice: this.#o.composeNice ?? 15,
        title: row.title,
        ...(this.#o.fontFile ? { fontFile: this.#o.fontFile } : {}),
        onProgress: (fraction) => {
          if (Date.now() - lastWrite < 1000) return;
          lastWrite = Date.now();
          void this.#o.db.updateTable('recordings').set({ progress: fraction }).where('id', '=', id).execute().catch(() => undefined);
        },
      });
      const sha256 = await hashFile(files.archive);
      const size = (await fsp.stat(files.archive)).size;
      const probe = await ffprobeJson(files.archive);
      await this.#o.db.updateTable('recordings').set({ status: 'ready', progress: 1, sha256, size_bytes: size, duration_seconds: Number(probe.format?.duration ?? plan.duration), error: null }).where('id', '=', id).execute();
      // The raw streams are kept until the archive is made, and no longer.
      await files.removeRaw();
      this.#o.logger.info({ recording: id, size, sha256 }, 'archive composed');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const full = /No space left on device/i.test(message);
      await this.#o.db.updateTable('recordings').set({ status: 'failed', error: full ? 'storage_full' : message.slice(0, 2000) }).where('id', '=', id).execute();
      throw err;
    }
  }

  /** The recordings of a meeting the caller may see (confidential ones: organisers only). */
  async list(actor: Actor, meetingId: string): Promise<RecordingItem[]> {
    const facts = await this.#o.meetings.authorize(actor, meetingId, 'meeting.view');
    const rows = await this.#o.db
      .selectFrom('recordings')
      .innerJoin('accounts', 'accounts.id', 'recordings.started_by')
      .selectAll('recordings')
      .select('accounts.display_name as started_by_name')
      .where('meeting_id', '=', meetingId)
      .where('status', '!=', 'deleted')
      .orderBy('started_at')
      .execute();
    return rows
      .filter((r) => canWatchRecording(actor, facts, r.confidential === 1) || isOrganiser(actor, facts))
      .map((r) => ({
        id: r.id,
        meetingId: r.meeting_id,
        status: r.status as RecordingItem['status'],
        confidential: r.confidential === 1,
        startedAt: r.started_at,
        stoppedAt: r.stopped_at,
        startedByName: r.started_by_name,
        progress: Number(r.progress),
        durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
        sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
        sha256: r.sha256,
        error: r.error,
        canWatch: r.status === 'ready' && canWatchRecording(actor, facts, r.confidential === 1),
        canDelete: canDeleteRecording(actor, facts),
      }));
  }

  /** The archive file of a recording the caller may watch (404 for anyone else: its existence is not told). */
  async archive(actor: Actor, recordingId: string): Promise<{ path: string; size: number; sha256: string | null; meetingId: string }> {
    const row = await this.#o.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).executeTakeFirst();
    if (!row || row.status === 'deleted') throw notFound('recording');
    const facts = await this.#o.meetings.facts(actor, row.meeting_id).catch(() => null);
    if (!facts || !canWatchRecording(actor, facts, row.confidential === 1)) throw notFound('recording');
    if (row.status !== 'ready') throw new AppError('conflict', 'the archive is not ready yet', { reason: 'recording_not_ready' });
    const files = new RecordingFiles(this.#o.dir, row.id);
    const stat = await fsp.stat(files.archive).catch(() => null);
    if (!stat) throw new AppError('file_damaged', 'the archive file is missing on the server');
    return { path: files.archive, size: stat.size, sha256: row.sha256, meetingId: row.meeting_id };
  }

  /** The secretary deletes a recording: its files go, the row stays (for the minutes and the audit). */
  async delete(actor: Actor, recordingId: string): Promise<void> {
    const row = await this.#o.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).executeTakeFirst();
    if (!row || row.status === 'deleted') throw notFound('recording');
    const facts = await this.#o.meetings.facts(actor, row.meeting_id).catch(() => null);
    if (!facts || !canWatchRecording(actor, facts, row.confidential === 1)) throw notFound('recording');
    if (!canDeleteRecording(actor, facts)) throw new AppError('forbidden', 'only the meeting\'s secretary may delete a recording');
    if (row.status === 'recording' || row.status === 'composing') throw new AppError('conflict', 'stop the recording and wait for its archive first');
    await this.#o.db.transaction().execute(async (tx) => {
      await tx.updateTable('recordings').set({ status: 'deleted', deleted_by: actor.accountId, deleted_at: new Date().toISOString() }).where('id', '=', recordingId).execute();
      await audit(tx, { actorId: actor.accountId, action: 'recording.delete', targetType: 'recording', targetId: recordingId, details: { meetingId: row.meeting_id, sha256: row.sha256 } });
    });
    await new RecordingFiles(this.#o.dir, recordingId).removeAll();
  }

  /** Deletes archives older than the retention (RECORDING_RETENTION_DAYS; 0: never). */
  async applyRetention(now = Date.now()): Promise<number> {
    if (this.#o.retentionDays <= 0) return 0;
    const before = new Date(now - this.#o.retentionDays * 86_400_000).toISOString();
    const rows = await this.#o.db.selectFrom('recordings').select(['id', 'meeting_id', 'sha256']).where('status', 'in', ['ready', 'failed']).where('stopped_at', '<', before).execute();
    for (const row of rows) {
      await this.#o.db.transaction().execute(async (tx) => {
        await tx.updateTable('recordings').set({ status: 'deleted', deleted_at: new Date(now).toISOString() }).where('id', '=', row.id).execute();
        await audit(tx, { actorId: null, action: 'recording.retention', targetType: 'recording', targetId: row.id, details: { meetingId: row.meeting_id, sha256: row.sha256, retentionDays: this.#o.retentionDays } });
      });
      await new RecordingFiles(this.#o.dir, row.id).removeAll();
    }
    return rows.length;
  }

  /** Recordings of a meeting for its minutes: when, and the archive's hash. */
  async forMinutes(meetingId: string): Promise<Array<{ startedAt: string; stoppedAt: string | null; status: string; sha256: string | null; durationSeconds: number | null }>> {
    const rows = await this.#o.db.selectFrom('recordings').select(['started_at', 'stopped_at', 'status', 'sha256', 'duration_seconds']).where('meeting_id', '=', meetingId).orderBy('started_at').execute();
    return rows.map((r) => ({ startedAt: r.started_at, stoppedAt: r.stopped_at, status: r.status, sha256: r.sha256, durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds) }));
  }

  async #person(accountId: string): Promise<Person | null> {
    const row = await this.#o.db.selectFrom('accounts').leftJoin('bridge_points', 'bridge_points.id', 'accounts.bridge_point_id').select(['accounts.id', 'accounts.display_name', 'bridge_points.name as point_name']).where('accounts.id', '=', accountId).executeTakeFirst();
    return row ? { accountId: row.id, displayName: row.display_name, pointName: row.point_name ?? '' } : null;
  }

  /** Server shutdown: raw recorders stop writing (the recordings stay 'recording' and carry on at the next start). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retentionTimer) clearInterval(this.#retentionTimer);
    for (const a of this.#active.values()) {
      clearInterval(a.diskTimer);
      await a.recorder.stop();
    }
    this.#active.clear();
  }
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
