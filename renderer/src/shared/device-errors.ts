/**
 * Camera, microphone and screen errors in the user's language. Browsers reject getUserMedia /
 * getDisplayMedia with a DOMException whose `message` is the browser's own English text
 * ("Permission denied", "Could not start video source"); its `name` says what happened.
 */
import i18next from 'i18next';

const KNOWN = ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'OverconstrainedError', 'AbortError', 'SecurityError', 'TypeError'] as const;

export function deviceErrorMessage(err: unknown): string {
  const name = err instanceof Error || (typeof DOMException !== 'undefined' && err instanceof DOMException) ? (err as Error).name : '';
  const key = (KNOWN as readonly string[]).includes(name) ? name : 'other';
  return i18next.t(`deviceErrors.${key}`, { message: err instanceof Error ? err.message : String(err) });
}
