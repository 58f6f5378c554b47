/**
 * Which failures of the store or the disk are the server's condition rather than the request's
 * fault, and how they are told to clients:
 *
 * - `unavailable` (HTTP 503 with Retry-After, signaling error frame with `retryAfterSeconds`):
 *   the database cannot be reached right now (PostgreSQL restarting or failing over, a connection
 *   cut by `pg_terminate_backend`, the pool could not connect in time). Nothing of the request was
 *   stored; the client may send it again.
 * - `storage_full` (HTTP 507): the disk (or PostgreSQL's) is full. Nothing was kept.
 *
 * Anything else stays an unexpected error (500).
 */
import { AppError } from '../errors';

export const RETRY_AFTER_SECONDS = 2;

/** Node's socket errors and pg's own messages for a connection that is gone or cannot be made. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /client has encountered a connection error/i, /connection is not queryable/i, /cannot use a pool after calling end/i];
const DISK_FULL_ERRNOS = new Set(['ENOSPC', 'EDQUOT']);

export type StoreFailure = 'unavailable' | 'storage_full';

export function storeFailure(err: unknown): StoreFailure | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // ENOSPC from fs, SQLITE_FULL from better-sqlite3, 53100 disk_full from PostgreSQL.
  if (DISK_FULL_ERRNOS.has(code) || code === 'SQLITE_FULL' || code === '53100') return 'storage_full';
  if (CONNECTION_ERRNOS.has(code)) return 'unavailable';
  // SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now).
  if (/^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03') return 'unavailable';
  const message = typeof e.message === 'string' ? e.message : '';
  if (CONNECTION_MESSAGES.some((re) => re.test(message))) return 'unavailable';
  // An AggregateError from a connect to several addresses (localhost: ::1 and 127.0.0.1).
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => storeFailure(x) === 'unavailable')) return 'unavailable';
  return null;
}

/** The client-facing error for a store failure, or null when `err` is not one. */
export function storeFailureError(err: unknown): AppError | null {
  if (err instanceof AppError) return null;
  switch (storeFailure(err)) {
    case 'unavailable':
      return new AppError('unavailable', 'the store is not reachable right now; nothing was saved, try again', { retryAfterSeconds: RETRY_AFTER_SECONDS }, 'apiErrors.unavailable');
    case 'storage_full':
      return new AppError('storage_full', 'the server has no space left; nothing was saved', undefined, 'apiErrors.storage_full');
    default:
      return null;
  }
}
