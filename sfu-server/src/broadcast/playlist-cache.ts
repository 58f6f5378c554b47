/**
 * The live playlists (`index.m3u8`) kept in memory for the direct viewers: a thousand players each
 * ask for it every second, and reading the file per request (open, read, close on a busy disk and a
 * busy event loop) made the playlist the slowest file of the broadcast (p95 2.47 s at 1 000 viewers,
 * segments 0.24 s). ffmpeg rewrites the playlist once a segment (under a temporary name, then a
 * rename), so the cached copy is checked against the file at most every `checkMs` (250 ms, a
 * quarter of the 1-s segment): one open + fstat per meeting and check, the file read again only when
 * it changed (inode, size or mtime). A viewer is never given a playlist older than the segment
 * interval: the copy served is at most `checkMs` plus one read behind the disk. Concurrent requests
 * during a check share it. The session is checked per request by the route, before this is asked.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

export interface CachedPlaylist {
  body: Buffer;
  /** Strong validator of this version (a hash of its bytes). */
  etag: string;
  mtimeMs: number;
}

interface Entry {
  value: CachedPlaylist | null;
  key: string;
  checkedAt: number;
  pending: Promise<CachedPlaylist | null> | undefined;
}

export const PLAYLIST_CHECK_MS = 250;
const MAX_ENTRIES = 256;

export class PlaylistCache {
  readonly #entries = new Map<string, Entry>();
  readonly #checkMs: number;
  /** Reads of a playlist's bytes (not the checks): for tests and the bench. */
  reads = 0;

  constructor(checkMs = PLAYLIST_CHECK_MS) {
    this.#checkMs = checkMs;
  }

  /** The playlist at this path as it is on disk (at most `checkMs` ago); null if there is none. */
  get(file: string): Promise<CachedPlaylist | null> {
    const entry = this.#entries.get(file);
    const now = Date.now();
    if (entry && now - entry.checkedAt < this.#checkMs) return Promise.resolve(entry.value);
    if (entry?.pending) return entry.pending;
    const e: Entry = entry ?? { value: null, key: '', checkedAt: 0, pending: undefined };
    if (!entry) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(file, e);
    }
    e.pending = this.#check(file, e).finally(() => {
      e.pending = undefined;
    });
    return e.pending;
  }

  async #check(file: string, e: Entry): Promise<CachedPlaylist | null> {
    const started = Date.now();
    const handle = await fs.open(file, 'r').catch(() => null);
    if (!handle) {
      e.value = null;
      e.key = '';
      e.checkedAt = started;
      return null;
    }
    try {
      // fstat and read on the same open file: ffmpeg's rename between them cannot mix two versions.
      const st = await handle.stat();
      const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
      if (key !== e.key || !e.value) {
        const body = await handle.readFile();
        this.reads++;
        e.value = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, mtimeMs: st.mtimeMs };
        e.key = key;
      }
      e.checkedAt = started;
      return e.value;
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}
