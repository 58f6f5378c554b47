/** An error meant for the client: a stable code (see common/protocol ErrorCode) and a message. */
import type { ErrorCode } from '../../common/protocol';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** A more precise i18n key than `apiErrors.<code>` (e.g. why an upload was refused). */
    readonly messageKey?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'not allowed') => new AppError('forbidden', message);
