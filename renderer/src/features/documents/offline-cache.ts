/**
 * The pack on this device (IndexedDB): each meeting's listing as the signed-in person last saw
 * it, and the PDF bytes of the documents they opened, by SHA-256 (content-addressed, so a cached
 * file is never stale). With no network, a document already opened can still be read.
 * Confidential documents are not kept (the server sends them with no-store).
 */
import { z } from 'zod';
import { DocumentPack } from '../../../../common/api/documents';
import type { KeptPack } from './pack-download';

const DB_NAME = 'phonghop-documents';
const PACKS = 'packs';
const FILES = 'files';

let opening: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(PACKS);
      req.result.createObjectStore(FILES);
    };
    req.onsuccess = () => {
      // Let another tab (or a deletion) upgrade or delete the database instead of waiting for us forever.
      req.result.onversionchange = () => {
        req.result.close();
        opening = null;
      };
      resolve(req.result);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error('indexedDB unavailable'));
    };
  });
  return opening;
}

function run<T>(store: string, mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return db().then(
    (d) =>
      new Promise<T>((resolve, reject) => {
        const tx = d.transaction(store, mode);
        const req = op(tx.objectStore(store));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error ?? req.error);
        tx.onabort = () => reject(tx.error ?? new Error('aborted'));
      }),
  );
}

const packKey = (accountId: string, meetingId: string) => `${accountId}:${meetingId}`;

/** The listing, and when it was kept (shown as "kept at" when it is read back offline). */
export async function savePack(accountId: string, pack: DocumentPack): Promise<void> {
  await run(PACKS, 'readwrite', (s) => s.put({ pack, keptAt: new Date().toISOString() }, packKey(accountId, pack.meetingId))).catch(() => undefined);
}

const KeptListing = z.object({ pack: DocumentPack, keptAt: z.string() });

export async function cachedPack(accountId: string, meetingId: string): Promise<{ pack: DocumentPack; keptAt: string | null } | null> {
  const value = await run<unknown>(PACKS, 'readonly', (s) => s.get(packKey(accountId, meetingId))).catch(() => null);
  const kept = KeptListing.safeParse(value);
  if (kept.success) return kept.data;
  // Kept by an older version of the app: the listing alone.
  const parsed = DocumentPack.safeParse(value);
  return parsed.success ? { pack: parsed.data, keptAt: null } : null;
}

const KeptPackRecord = z.object({ at: z.string(), files: z.number().int().min(0), bytes: z.number().min(0), sha256s: z.array(z.string()) });
const keptKey = (accountId: string, meetingId: string) => `kept:${accountId}:${meetingId}`;

/** The record of the last "download the whole pack" of a meeting, for this account. */
export async function saveKeptPack(accountId: string, meetingId: string, kept: KeptPack): Promise<void> {
  await run(PACKS, 'readwrite', (s) => s.put(kept, keptKey(accountId, meetingId))).catch(() => undefined);
}

export async function keptPack(accountId: string, meetingId: string): Promise<KeptPack | null> {
  const value = await run<unknown>(PACKS, 'readonly', (s) => s.get(keptKey(accountId, meetingId))).catch(() => null);
  const parsed = KeptPackRecord.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export async function hasFile(sha256: string): Promise<boolean> {
  const n = await run<number>(FILES, 'readonly', (s) => s.count(sha256)).catch(() => 0);
  return n > 0;
}

export async function saveFile(sha256: string, bytes: Uint8Array): Promise<void> {
  await run(FILES, 'readwrite', (s) => s.put(bytes, sha256)).catch(() => undefined);
}

export async function cachedFile(sha256: string): Promise<Uint8Array | null> {
  const value = await run<unknown>(FILES, 'readonly', (s) => s.get(sha256)).catch(() => null);
  return value instanceof Uint8Array ? value : null;
}

/** SHA-256 hex of bytes, where the browser offers it (secure contexts); null elsewhere. */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
