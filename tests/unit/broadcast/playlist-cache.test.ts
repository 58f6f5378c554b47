/**
 * The live playlist kept in memory (`broadcast/playlist-cache.ts`): read once, served from memory
 * within the check interval, and the new version once ffmpeg has rewritten it (temporary file, then
 * rename, as the hls muxer does), never older than the check interval.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaylistCache } from '../../../sfu-server/src/broadcast/playlist-cache';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playlist-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** As ffmpeg's hls muxer writes a live playlist: a temporary file renamed over the old one. */
function rewrite(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PlaylistCache', () => {
  it('reads the file once for many requests, and serves the rewritten playlist after the check interval', async () => {
    const file = path.join(dir, 'a.m3u8');
    rewrite(file, '#EXTM3U\nseg-1.ts\n');
    const cache = new PlaylistCache(200);
    const first = await Promise.all(Array.from({ length: 50 }, () => cache.get(file)));
    expect(first.every((p) => p?.body.toString() === '#EXTM3U\nseg-1.ts\n')).toBe(true);
    expect(cache.reads).toBe(1);
    rewrite(file, '#EXTM3U\nseg-1.ts\nseg-2.ts\n');
    // Within the interval, the copy in memory (this is what spares the disk).
    expect((await cache.get(file))?.body.toString()).toBe('#EXTM3U\nseg-1.ts\n');
    await sleep(250);
    const fresh = await cache.get(file);
    expect(fresh?.body.toString()).toBe('#EXTM3U\nseg-1.ts\nseg-2.ts\n');
    expect(fresh?.etag).not.toBe(first[0]?.etag);
    expect(cache.reads).toBe(2);
    // Unchanged file: checked, not read again.
    await sleep(250);
    expect((await cache.get(file))?.etag).toBe(fresh?.etag);
    expect(cache.reads).toBe(2);
  });

  it('a playlist rewritten in the same millisecond with the same size is still seen (the rename gives a new inode)', async () => {
    const file = path.join(dir, 'b.m3u8');
    rewrite(file, '#EXTM3U\nseg-1.ts\n');
    const cache = new PlaylistCache(50);
    await cache.get(file);
    rewrite(file, '#EXTM3U\nseg-2.ts\n');
    await sleep(60);
    expect((await cache.get(file))?.body.toString()).toBe('#EXTM3U\nseg-2.ts\n');
  });

  it('no file: null, and the playlist once ffmpeg writes its first', async () => {
    const file = path.join(dir, 'c.m3u8');
    const cache = new PlaylistCache(50);
    expect(await cache.get(file)).toBeNull();
    rewrite(file, '#EXTM3U\n');
    await sleep(60);
    expect((await cache.get(file))?.body.toString()).toBe('#EXTM3U\n');
    fs.rmSync(file);
    await sleep(60);
    expect(await cache.get(file)).toBeNull();
  });
});
