/**
 * "Tải cả bộ tài liệu": every document of a meeting's pack (its newest version) fetched and kept
 * on this device for reading with no network, with progress in files and bytes. Files already
 * kept (content-addressed by SHA-256) are not fetched again; each fetched file is checked against
 * the SHA-256 the pack lists before it is kept. Confidential documents are never kept (the server
 * sends them with no-store): they are counted apart. The record of the download (when, how much)
 * is kept beside the pack.
 */
import type { DocumentPack } from '../../../../common/api/documents';

export interface PackFile {
  documentId: string;
  versionId: string;
  title: string;
  sha256: string;
  size: number;
}

/** The files a full download keeps (each document's newest version), and how many confidential documents are left out. */
export function packFiles(pack: DocumentPack): { files: PackFile[]; confidential: number } {
  const files: PackFile[] = [];
  const seen = new Set<string>();
  let confidential = 0;
  for (const item of pack.items)
    for (const doc of item.documents) {
      const v = doc.versions[0];
      if (!v || seen.has(doc.id)) continue;
      seen.add(doc.id);
      if (doc.confidential) confidential++;
      else files.push({ documentId: doc.id, versionId: v.id, title: doc.title, sha256: v.sha256, size: v.size });
    }
  return { files, confidential };
}

export interface PackProgress {
  doneFiles: number;
  totalFiles: number;
  doneBytes: number;
  totalBytes: number;
}

export interface PackStore {
  /** Whether the file with this SHA-256 is already on the device. */
  has(sha256: string): Promise<boolean>;
  fetch(file: PackFile): Promise<Uint8Array>;
  /** SHA-256 hex of bytes, or null where the browser cannot hash (not a secure context). */
  hash(bytes: Uint8Array): Promise<string | null>;
  save(sha256: string, bytes: Uint8Array): Promise<void>;
}

export class PackIntegrityError extends Error {
  constructor(readonly title: string) {
    super(`SHA-256 mismatch: ${title}`);
  }
}

export interface KeptPack {
  /** ISO time the whole pack was last kept. */
  at: string;
  files: number;
  bytes: number;
  /** The SHA-256 of each kept file (to tell when the pack has changed since). */
  sha256s: string[];
}

/** Fetches and keeps every file not yet on the device; one at a time (a weak link is shared with the meeting's media). */
export async function downloadPack(files: readonly PackFile[], store: PackStore, onProgress: (p: PackProgress) => void, signal?: AbortSignal): Promise<KeptPack> {
  const progress: PackProgress = { doneFiles: 0, totalFiles: files.length, doneBytes: 0, totalBytes: files.reduce((n, f) => n + f.size, 0) };
  onProgress({ ...progress });
  for (const file of files) {
    signal?.throwIfAborted();
    if (!(await store.has(file.sha256))) {
      const bytes = await store.fetch(file);
      signal?.throwIfAborted();
      const actual = await store.hash(bytes);
      if (actual !== null && actual !== file.sha256) throw new PackIntegrityError(file.title);
      await store.save(file.sha256, bytes);
    }
    progress.doneFiles++;
    progress.doneBytes += file.size;
    onProgress({ ...progress });
  }
  return { at: new Date().toISOString(), files: files.length, bytes: progress.totalBytes, sha256s: files.map((f) => f.sha256) };
}

/** Whether a kept download still covers the pack as listed now. */
export function keptCovers(kept: KeptPack | null, files: readonly PackFile[]): boolean {
  if (!kept) return false;
  const have = new Set(kept.sha256s);
  return files.every((f) => have.has(f.sha256));
}

/** "1,5 MB", "820 KB" in the reader's language. */
export function formatBytes(bytes: number, language: string): string {
  const locale = language === 'en' ? 'en-GB' : 'vi-VN';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
