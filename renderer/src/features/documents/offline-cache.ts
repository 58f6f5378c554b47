/**
 * The pack on this device (IndexedDB): each meeting's listing as the signed-in person last saw
 * it, and the PDF bytes of the documents they opened, by SHA-256 (content-addressed, so a cached
 * file is never stale). With no network, a document already opened can still be read.
 * Confidential documents are not kept (the server sends them with no-store).
 */
import { DocumentPack } from '../../../../common/api/documents';

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

export async function savePack(accountId: string, pack: DocumentPack): Promise<void> {
  await run(PACKS, 'readwrite', (s) => s.put(pack, packKey(accountId, pack.meetingId))).catch(() => undefined);
}

export async function cachedPack(accountId: string, meetingId: string): Promise<DocumentPack | null> {
  const value = await run<unknown>(PACKS, 'readonly', (s) => s.get(packKey(accountId, meetingId))).catch(() => null);
  const parsed = DocumentPack.safeParse(value);
  return parsed.success ? parsed.data : null;
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
