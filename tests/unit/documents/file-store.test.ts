/**
 * The content-addressed file store: a committed file is in place (and its temporary file gone);
 * reading checks the SHA-256, so a missing, empty, cut-short or altered file is refused as
 * `file_damaged`; committing the same bytes again replaces a damaged copy (de-duplication keeps
 * only an intact one).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../../sfu-server/src/documents/file-store';
import { removeTemporaries, writeDurably } from '../../../sfu-server/src/documents/durable-file';

let dir: string;
let files: FileStore;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-files-'));
  files = new FileStore(dir);
  await files.init();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const bytes = Buffer.from('%PDF-1.7\n' + 'Nội dung tài liệu họp. '.repeat(4000));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function store(b: Buffer) {
  const received = await files.receive(Readable.from([b.subarray(0, 1000), b.subarray(1000)]));
  await files.commit(received);
  return received;
}

describe('FileStore', () => {
  it('commits a received file to its content address, leaving no temporary file', async () => {
    const r = await store(bytes);
    expect(r.sha256).toBe(sha(bytes));
    expect(fs.readFileSync(files.pathOf(r.sha256)).equals(bytes)).toBe(true);
    expect(fs.readdirSync(files.tmpDir)).toEqual([]);
    expect(await files.verified(r.sha256, bytes.length)).toBe(files.pathOf(r.sha256));
  });

  it('refuses to hand out a missing, empty, cut-short or altered file', async () => {
    const r = await store(bytes);
    const file = files.pathOf(r.sha256);
    const damage: [string, () => void][] = [
      ['empty', () => fs.truncateSync(file, 0)],
      ['cut short', () => fs.truncateSync(file, 100)],
      ['altered', () => fs.writeFileSync(file, Buffer.from(bytes).fill(0x20, 500, 600))],
      ['missing', () => fs.rmSync(file)],
    ];
    for (const [what, act] of damage) {
      await store(bytes); // intact again
      expect(await files.verified(r.sha256, bytes.length)).toBe(file);
      act();
      await expect(files.verified(r.sha256, bytes.length), what).rejects.toMatchObject({ code: 'file_damaged', messageKey: 'apiErrors.file_damaged' });
    }
  });

  it('the same bytes committed again repair a damaged copy; an intact copy is kept as it is', async () => {
    const r = await store(bytes);
    const file = files.pathOf(r.sha256);
    const inode = fs.statSync(file).ino;
    await store(bytes);
    expect(fs.statSync(file).ino).toBe(inode); // de-duplicated: the intact file was kept
    fs.truncateSync(file, 0);
    await store(bytes);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(await files.verified(r.sha256, bytes.length)).toBe(file);
    expect(fs.readdirSync(files.tmpDir)).toEqual([]);
  });
});

describe('writeDurably', () => {
  it('writes through a temporary file that is gone afterwards; leftovers of a crash are removed at start', async () => {
    const target = path.join(dir, 'signed', 'a.pdf');
    await writeDurably(target, bytes);
    expect(fs.readFileSync(target).equals(bytes)).toBe(true);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['a.pdf']);
    fs.writeFileSync(`${target}.123.456.abc.tmp`, 'half');
    removeTemporaries(path.dirname(target));
    expect(fs.readdirSync(path.dirname(target))).toEqual(['a.pdf']);
  });
});
