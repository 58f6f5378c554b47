/**
 * Content-addressed files: an upload is streamed to a temporary file in DATA_DIR/documents/tmp
 * while its SHA-256 is computed (never held whole in memory), then moved to
 * DATA_DIR/documents/<first two hex>/<sha256>.pdf once it has been accepted. The same bytes
 * uploaded twice are stored once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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

  /** Moves an accepted upload to its content address (or drops it if those bytes are already stored). */
  async commit(received: Received): Promise<string> {
    const target = this.pathOf(received.sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.access(target);
      await this.discard(received.tmpPath);
    } catch {
      await fs.rename(received.tmpPath, target);
    }
    return target;
  }

  async discard(tmpPath: string): Promise<void> {
    await fs.rm(tmpPath, { force: true });
  }
}
