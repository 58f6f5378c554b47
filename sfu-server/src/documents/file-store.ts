/**
 * Content-addressed files: an upload is streamed to a temporary file in DATA_DIR/documents/tmp
 * while its SHA-256 is computed (never held whole in memory), then moved to
 * DATA_DIR/documents/<first two hex>/<sha256>.pdf once it has been accepted. The same bytes
 * uploaded twice are stored once.
 *
 * Durability (durable-file.ts): `commit` fsyncs the file, renames it into place and fsyncs the
 * folder before it returns, and callers insert the row that points at it only after that. A file
 * already at its address is kept only if its bytes hash to the address: a damaged one (empty or
 * cut short by a power cut) is replaced by the new upload of the same bytes. `verified` checks the
 * hash before a file is served (once per file and process while the file is unchanged).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors';
import { hashFile, holds, installDurably } from './durable-file';

export interface Received {
  tmpPath: string;
  sha256: string;
  size: number;
}

export class FileStore {
  readonly root: string;
  readonly tmpDir: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'documents');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  /** Files whose hash was checked, with what they looked like then (inode, size, mtime). */
  readonly #verified = new Map<string, string>();

  async init(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    // Left-overs of uploads interrupted by a crash.
    for (const name of await fs.readdir(this.tmpDir)) await fs.rm(path.join(this.tmpDir, name), { force: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return path.join(this.root, sha256.slice(0, 2), `${sha256}.pdf`);
  }

  /** Streams to a temporary file, hashing as it goes. The caller commits or discards it. */
  async receive(source: Readable): Promise<Received> {
    const tmpPath = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createWriteStream(tmpPath, { flags: 'wx' }));
    } catch (err) {
      await this.discard(tmpPath);
      throw err;
    }
    return { tmpPath, sha256: hash.digest('hex'), size };
  }

  /**
   * Moves an accepted upload to its content address, durably (or drops it if exactly those bytes
   * are already stored; a damaged file there is replaced). Returns once the file is on the disk.
   */
  async commit(received: Received): Promise<string> {
    const target = this.pathOf(received.sha256);
    if (await holds(target, received.sha256)) {
      await this.discard(received.tmpPath);
    } else {
      await installDurably(received.tmpPath, target);
      this.#verified.delete(received.sha256);
    }
    return target;
  }

  /**
   * The path of a stored file once its bytes are checked against its SHA-256 (and size). A missing,
   * empty or damaged file is refused with `file_damaged`, never served; uploading the same file
   * again repairs it.
   */
  async verified(sha256: string, size: number): Promise<string> {
    const file = this.pathOf(sha256);
    const damaged = (why: string) =>
      new AppError('file_damaged', `the stored file ${sha256} is ${why}; upload the same file again to repair it`, { sha256 }, 'apiErrors.file_damaged');
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw damaged('missing');
      throw err;
    }
    if (stat.size !== size) throw damaged(stat.size === 0 ? 'empty' : 'cut short or overwritten');
    const seen = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (this.#verified.get(sha256) === seen) return file;
    if ((await hashFile(file)).sha256 !== sha256) throw damaged('damaged (its bytes do not match their SHA-256)');
    this.#verified.set(sha256, seen);
    return file;
  }

  async discard(tmpPath: string): Promise<void> {
    await fs.rm(tmpPath, { force: true });
  }
}
