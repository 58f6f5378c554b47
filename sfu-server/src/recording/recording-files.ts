/**
 * The files of one recording, in RECORDINGS_DIR/<recordingId>/:
 *   streams.jsonl   one line per event of a raw stream run: opened, first packet, ended
 *   timeline.jsonl  what happened in the room: floor holder, active speaker, screen shares,
 *                   points' names, gaps (worker death, server restart), start and stop
 *   raw/<run>.sdp, raw/<run>-00000.mkv …   each run's RTP copied as it came (no transcoding)
 *   archive.mp4     the composed archive (speaker-follow view, mixed audio)
 * Lines are appended as they happen, so a crash keeps everything written before it.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { TapStreamInfo } from '../media/plain-tap';

export type StreamEvent =
  /** `heardSince`: a microphone tapped when it was unmuted, the moment it was (its media before `first` was not recorded). */
  | { type: 'open'; run: string; at: number; info: TapStreamInfo; heardSince?: number }
  | { type: 'first'; run: string; at: number }
  | { type: 'end'; run: string; at: number; reason: string };

export interface Person {
  accountId: string;
  displayName: string;
  pointName: string;
}

export type TimelineEvent =
  | { type: 'start'; at: number; by: string; chair: Person | null }
  | { type: 'stop'; at: number; by: string | null; reason: string }
  | { type: 'resume'; at: number; reason: string }
  | { type: 'gap'; at: number; reason: string }
  | { type: 'gap-end'; at: number }
  | { type: 'floor'; at: number; holder: Person | null }
  | { type: 'speaker'; at: number; speaker: Person | null }
  | { type: 'screen'; at: number; sharers: Person[] };

export class RecordingFiles {
  readonly dir: string;
  constructor(root: string, recordingId: string) {
    if (!/^[0-9a-f-]{36}$/.test(recordingId)) throw new Error('bad recording id');
    this.dir = path.join(root, recordingId);
  }
  get rawDir(): string {
    return path.join(this.dir, 'raw');
  }
  get archive(): string {
    return path.join(this.dir, 'archive.mp4');
  }
  get streamsFile(): string {
    return path.join(this.dir, 'streams.jsonl');
  }
  get timelineFile(): string {
    return path.join(this.dir, 'timeline.jsonl');
  }
  async init(): Promise<void> {
    await fsp.mkdir(this.rawDir, { recursive: true });
  }
  stream(event: StreamEvent): Promise<void> {
    return fsp.appendFile(this.streamsFile, `${JSON.stringify(event)}\n`);
  }
  timeline(event: TimelineEvent): Promise<void> {
    return fsp.appendFile(this.timelineFile, `${JSON.stringify(event)}\n`);
  }
  async readStreams(): Promise<StreamEvent[]> {
    return readJsonl<StreamEvent>(this.streamsFile);
  }
  async readTimeline(): Promise<TimelineEvent[]> {
    return readJsonl<TimelineEvent>(this.timelineFile);
  }
  /** The segment files a run wrote, in order. */
  async segments(run: string): Promise<string[]> {
    const names = await fsp.readdir(this.rawDir).catch(() => [] as string[]);
    return names
      .filter((n) => n.startsWith(`${run}-`) && n.endsWith('.mkv'))
      .sort()
      .map((n) => path.join(this.rawDir, n));
  }
  /** Removes the raw streams (after the archive was made). */
  async removeRaw(): Promise<void> {
    await fsp.rm(this.rawDir, { recursive: true, force: true });
  }
  async removeAll(): Promise<void> {
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
  /** Bytes used by this recording's files. */
  async size(): Promise<number> {
    return dirSize(this.dir);
  }
}

async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // A line cut by a crash: the ones before it stand.
    }
  }
  return out;
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else total += (await fsp.stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Free bytes on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await fsp.statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}
