/**
 * A dialog's submit: `busy` while it runs (the submit button shows it and a second submit is
 * ignored), the error shown in the dialog (a failed check before sending, or the server's answer
 * in the app's language), cleared when the user tries again. Replaces the busy / error /
 * try-catch-finally block each admin and meeting dialog used to repeat.
 *
 *   const form = useFormSubmit(async () => {
 *     if (!name.trim()) invalid(t('admin.units.nameRequired'));
 *     onSaved(await api.createUnit({ name: name.trim() }));
 *   });
 *   <form onSubmit={form.onSubmit}> … <FormFooter error={form.error} busy={form.busy} … />
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiErrorMessage } from './errors';

/** Thrown by `invalid()`: the message is shown as it is, nothing was sent. */
export class InvalidForm extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidForm';
  }
}

/** Stops the submit with this (already translated) message, e.g. a required field left empty. */
export function invalid(message: string): never {
  throw new InvalidForm(message);
}

export interface FormSubmit {
  busy: boolean;
  error: string | null;
  /** Shows a message in the form (or clears it). */
  setError: (message: string | null) => void;
  /** Runs the action (for a button's onClick); resolves when it has finished, never rejects. */
  run: () => Promise<void>;
  /** For `<form onSubmit>`: no page load, then `run`. */
  onSubmit: (event?: { preventDefault(): void }) => void;
}

/**
 * `action` sends the form; `describeError` turns what it threw into the message shown (by default
 * the server's error in the app's language). An `invalid(message)` inside the action shows
 * `message`. After the dialog has closed (unmounted) nothing is set.
 */
export function useFormSubmit(action: () => Promise<void> | void, describeError: (err: unknown) => string = apiErrorMessage): FormSubmit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);
  const mounted = useRef(true);
  const latest = useRef({ action, describeError });
  latest.current = { action, describeError };
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      await latest.current.action();
    } catch (err) {
      if (mounted.current) setError(err instanceof InvalidForm ? err.message : latest.current.describeError(err));
    } finally {
      running.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);

  const onSubmit = useCallback(
    (event?: { preventDefault(): void }) => {
      event?.preventDefault();
      void run();
    },
    [run],
  );

  return { busy, error, setError, run, onSubmit };
}
