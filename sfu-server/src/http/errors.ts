/**
 * The one error shape of the HTTP API: `{ code, messageKey, message, details? }` with a fitting
 * status. Schema failures are 400 `bad_request` with the zod issues; a store that cannot be reached
 * is 503 `unavailable` with Retry-After, a full disk 507 `storage_full` (store/store-failures.ts);
 * unexpected errors are 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../../../common/protocol';
import { AppError } from '../errors';
import { storeFailureError } from '../store/store-failures';

const STATUS: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  bad_json: 400,
  too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  meeting_not_live: 409,
  not_invited: 403,
  watch_only: 403,
  rate_limited: 429,
  already_voted: 409,
  vote_not_open: 409,
  unavailable: 503,
  storage_full: 507,
  file_damaged: 500,
};

export const notFoundBody = { code: 'not_found', messageKey: 'apiErrors.not_found', message: 'not found' } as const;

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | AppError, req, reply) => {
    // The client went away mid-request (an aborted upload, a slowloris connection cut by the server):
    // nobody reads an answer, and its connection reset (ECONNRESET) is not the store's. It was taken
    // for "the store is not reachable" and logged with its stack (a warning per connection).
    if (req.raw.socket?.destroyed === true) {
      req.log.debug({ code: (thrown as { code?: unknown }).code }, 'the client went away before its request was answered');
      return reply.code(400).send({ code: 'bad_request', messageKey: 'apiErrors.bad_request', message: 'the request was not completed' });
    }
    // A database that cannot be reached or a full disk: 503 (with Retry-After) or 507, not 500.
    const failure = storeFailureError(thrown);
    if (failure) req.log.warn({ err: thrown, code: failure.code }, 'request failed on the store');
    const err = failure ?? thrown;
    if (err instanceof AppError) {
      const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retry) reply.header('Retry-After', String(retry));
      // A refused upload whose body was not read to the end (the disk filled up mid-stream): the
      // connection cannot carry another request, so say it is closed rather than let the client reuse it.
      if (!req.raw.complete) reply.header('Connection', 'close');
      return reply.code(STATUS[err.code] ?? 400).send({ code: err.code, messageKey: err.messageKey ?? `apiErrors.${err.code}`, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({ code: 'bad_request', messageKey: 'apiErrors.bad_request', message: 'invalid request', details: err.validation });
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status < 500) {
      const code = status === 413 ? 'too_large' : status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'bad_request';
      return reply.code(status).send({ code, messageKey: `apiErrors.${code}`, message: err.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ code: 'internal', messageKey: 'apiErrors.internal', message: 'internal error' });
  });
}
