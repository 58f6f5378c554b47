/**
 * Files that are on the disk before anyone is told they are stored (uploaded and signed PDFs).
 *
 * A file is written to a temporary name in the target's folder or a sibling one, fsynced, renamed
 * over its final name, and the folder is fsynced (so the rename itself survives a power cut);
 * only then may the database row that points at it commit. Files are addressed by SHA-256, and
 * the hash is checked when a file is read: a file found damaged (a crash before this rule, a bad
 * disk) is reported, never served, and the next upload of the same bytes replaces it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** fsync of a file or a folder by its path. */
export async function fsyncPath(p: string): Promise<void> {
  const handle = await fs.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir -p that also makes the new folders durable (their parent is fsynced). */
export async function mkdirDurable(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  // Folders were made from `first` down to `dir`: fsync each new one's parent.
  for (let d = dir; ; d = path.dirname(d)) {
    await fsyncPath(path.dirname(d));
    if (d === first || path.dirname(d) === d) break;
  }
}

/** SHA-256 (hex) and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(createReadStream(file), async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { sha256: hash.digest('hex'), size };
}

/** Whether `file` exists and holds exactly the bytes with this SHA-256. */
export async function holds(file: string, sha256: string): Promise<boolean> {
  try {
    return (await hashFile(file)).sha256 === sha256;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Puts a fully written temporary file in place as `target`: fsync the file, rename it over the
 * target (replacing a damaged copy), fsync the target's folder.
 */
export async function installDurably(tmpPath: string, target: string): Promise<void> {
  await mkdirDurable(path.dirname(target));
  await fsyncPath(tmpPath);
  await fs.rename(tmpPath, target);
  await fsyncPath(path.dirname(target));
}

/** Writes `bytes` as `target`, durably, through a temporary file beside it (removed on failure). */
export async function writeDurably(target: string, bytes: Uint8Array): Promise<void> {
  await mkdirDurable(path.dirname(target));
  const tmp = `${target}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
    await fsyncPath(path.dirname(target));
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Removes the temporary files `writeDurably` left in `dir` when a crash interrupted it (at start). */
export function removeTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
}
