/** Keeping a whole meeting pack on the device: which files, progress, skipping kept files, SHA-256 checks, cancelling. */
import { describe, expect, it } from 'vitest';
import type { DocumentPack, MeetingDocument } from '../../../common/api/documents';
import { downloadPack, formatBytes, keptCovers, PackIntegrityError, packFiles, type PackFile, type PackProgress, type PackStore } from '../../../renderer/src/features/documents/pack-download';

const doc = (id: string, confidential: boolean, versions: { sha: string; size: number }[]): MeetingDocument => ({
  id,
  meetingId: 'm1',
  agendaItemId: 'a1',
  title: `Tài liệu ${id}`,
  confidential,
  allowedRoles: [],
  allowedAccountIds: [],
  watermarkSetting: null,
  watermark: confidential,
  versions: versions.map((v, i) => ({ id: `${id}-v${versions.length - i}`, number: versions.length - i, fileName: `${id}.pdf`, size: v.size, sha256: v.sha, pageCount: 1, uploadedAt: '2026-12-01T00:00:00Z', uploadedBy: 'u' })),
});

const pack: DocumentPack = {
  meetingId: 'm1',
  meetingTitle: 'Họp',
  published: true,
  publishedAt: '2026-12-01T00:00:00Z',
  watermark: false,
  canManage: false,
  items: [
    { agendaItemId: 'a1', position: 0, title: 'Mục 1', documents: [doc('d1', false, [{ sha: 'new1', size: 1000 }, { sha: 'old1', size: 900 }]), doc('d2', true, [{ sha: 'secret', size: 500 }])] },
    { agendaItemId: null, position: 1, title: 'Khác', documents: [doc('d3', false, [{ sha: 'new3', size: 3000 }])] },
  ],
};

function fakeStore(kept: string[] = [], corrupt: string | null = null) {
  const saved = new Map<string, Uint8Array>(kept.map((k) => [k, new Uint8Array()]));
  const fetched: string[] = [];
  const store: PackStore = {
    has: async (sha) => saved.has(sha),
    fetch: async (f: PackFile) => {
      fetched.push(f.versionId);
      return new TextEncoder().encode(f.sha256 === corrupt ? 'tampered' : f.sha256);
    },
    hash: async (bytes) => new TextDecoder().decode(bytes),
    save: async (sha, bytes) => void saved.set(sha, bytes),
  };
  return { store, saved, fetched };
}

describe('packFiles', () => {
  it('lists the newest version of each document, leaving confidential ones out and counting them', () => {
    const { files, confidential } = packFiles(pack);
    expect(files.map((f) => [f.versionId, f.sha256, f.size])).toEqual([
      ['d1-v2', 'new1', 1000],
      ['d3-v1', 'new3', 3000],
    ]);
    expect(confidential).toBe(1);
  });
});

describe('downloadPack', () => {
  it('fetches, checks and keeps every file, reporting progress in files and bytes', async () => {
    const { store, saved, fetched } = fakeStore();
    const steps: PackProgress[] = [];
    const kept = await downloadPack(packFiles(pack).files, store, (p) => steps.push(p));
    expect(fetched).toEqual(['d1-v2', 'd3-v1']);
    expect([...saved.keys()].sort()).toEqual(['new1', 'new3']);
    expect(steps).toEqual([
      { doneFiles: 0, totalFiles: 2, doneBytes: 0, totalBytes: 4000 },
      { doneFiles: 1, totalFiles: 2, doneBytes: 1000, totalBytes: 4000 },
      { doneFiles: 2, totalFiles: 2, doneBytes: 4000, totalBytes: 4000 },
    ]);
    expect(kept).toMatchObject({ files: 2, bytes: 4000, sha256s: ['new1', 'new3'] });
    expect(keptCovers(kept, packFiles(pack).files)).toBe(true);
  });

  it('does not fetch a file already on the device', async () => {
    const { store, fetched } = fakeStore(['new1']);
    await downloadPack(packFiles(pack).files, store, () => undefined);
    expect(fetched).toEqual(['d3-v1']);
  });

  it('refuses a file whose SHA-256 does not match the pack, keeping nothing of it', async () => {
    const { store, saved } = fakeStore([], 'new3');
    await expect(downloadPack(packFiles(pack).files, store, () => undefined)).rejects.toBeInstanceOf(PackIntegrityError);
    expect(saved.has('new3')).toBe(false);
  });

  it('stops when cancelled', async () => {
    const { store, fetched } = fakeStore();
    const ac = new AbortController();
    const run = downloadPack(packFiles(pack).files, store, (p) => p.doneFiles === 1 && ac.abort(), ac.signal);
    await expect(run).rejects.toThrow();
    expect(fetched).toEqual(['d1-v2']);
  });
});

describe('keptCovers and formatBytes', () => {
  it('tells a kept download is stale once the pack has a new version', () => {
    const files = packFiles(pack).files;
    expect(keptCovers({ at: '', files: 2, bytes: 0, sha256s: ['old1', 'new3'] }, files)).toBe(false);
    expect(keptCovers(null, files)).toBe(false);
  });
  it('formats sizes in the reader’s language', () => {
    expect(formatBytes(1536, 'vi')).toBe('1,5 KB');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024, 'vi')).toBe('5 MB');
    expect(formatBytes(800, 'en')).toBe('800 B');
  });
});
