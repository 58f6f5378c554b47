/**
 * Error messages in the app's language: for an error from the server (its message key, else its
 * code) or from anything else. Uses the i18next instance that `app/i18n.ts` initialises.
 */
import i18next from 'i18next';
import { ApiRequestError } from '../net/api-client';

/** A translated message for an error from the server or the network. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return apiErrorMessage(err);
  const code = (err as { code?: string } | null)?.code;
  if (code && i18next.exists(`errors.${code}`)) return i18next.t(`errors.${code}`);
  const message = err instanceof Error ? err.message : String(err);
  return i18next.t('errors.unknown', { message });
}

/**
 * A translated message for an HTTP API error: the server's message key when this client knows it,
 * else the key of its code, else the server's own (English) message.
 */
export function apiErrorMessage(err: unknown): string {
  if (!(err instanceof ApiRequestError)) return errorMessage(err);
  const details = (err.details && typeof err.details === 'object' ? err.details : {}) as Record<string, unknown>;
  const values = { ...details, message: err.message };
  if (err.messageKey && i18next.exists(err.messageKey)) return i18next.t(err.messageKey, values);
  if (i18next.exists(`apiErrors.${err.code}`)) return i18next.t(`apiErrors.${err.code}`, values);
  return err.message || i18next.t('errors.unknown', { message: err.code });
}
