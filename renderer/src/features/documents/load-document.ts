/**
 * A version's bytes: from this device's cache when it has them (content-addressed by SHA-256, so
 * never stale), else from the server, checked against the SHA-256 the pack lists, and kept for
 * offline reading (not for confidential documents).
 */
import type { DocumentVersion, MeetingDocument } from '../../../../common/api/documents';
import { fetchFile } from './documents-api';
import { cachedFile, saveFile, sha256Hex } from './offline-cache';

export class IntegrityError extends Error {
  readonly code = 'integrity';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`SHA-256 mismatch: expected ${expected}, got ${actual}`);
  }
}

export interface LoadedBytes {
  bytes: Uint8Array;
  fromCache: boolean;
  /** The bytes were hashed here and match the listed SHA-256 (false where the browser cannot hash: not a secure context). */
  verified: boolean;
}

export async function loadVersionBytes(doc: MeetingDocument, version: DocumentVersion): Promise<LoadedBytes> {
  if (!doc.confidential) {
    const cached = await cachedFile(version.sha256);
    if (cached) return { bytes: cached, fromCache: true, verified: true };
  }
  const bytes = await fetchFile(doc.id, version.id);
  const actual = await sha256Hex(bytes);
  if (actual && actual !== version.sha256) throw new IntegrityError(version.sha256, actual);
  if (!doc.confidential) await saveFile(version.sha256, bytes);
  return { bytes, fromCache: false, verified: actual !== null };
}
