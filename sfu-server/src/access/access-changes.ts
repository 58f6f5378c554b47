/**
 * Access changes, told to the open connections at once. Rights are checked when a connection opens
 * (the WebSocket upgrade, `join`, opening a collaboration document); a change made afterwards —
 * a document marked confidential or its readers narrowed, a document deleted, a person un-invited,
 * the chair or secretary replaced, an account's role or bridge point changed, an account disabled —
 * is published here by the service that made it, after it is stored. The signaling and
 * collaboration endpoints subscribe and check the affected connections again with the same policy
 * (auth/policy.ts), closing or downgrading those that lost their rights.
 */
import type { Logger } from '../observability/logger';

export type AccessChange =
  /** Invitations, chair or secretary of a meeting (its status has its own path: MeetingsService.onStatusChanged). */
  | { kind: 'meeting'; meetingId: string }
  /** A document's confidentiality or readers changed, or it was deleted. */
  | { kind: 'document'; meetingId: string; documentId: string }
  /** An account's role, bridge point, unit or name changed, or it was disabled. */
  | { kind: 'account'; accountId: string };

export type AccessListener = (change: AccessChange) => Promise<void>;

export class AccessChanges {
  readonly #listeners = new Set<AccessListener>();
  readonly #running = new Set<Promise<void>>();

  constructor(readonly logger?: Logger) {}

  subscribe(listener: AccessListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every subscriber; their re-checks run in the background (`settled()` waits for them). */
  publish(change: AccessChange): void {
    for (const listener of this.#listeners) {
      const run = listener(change)
        .catch((err: unknown) => this.logger?.error({ err, change }, 're-checking connections after an access change failed'))
        .finally(() => this.#running.delete(run));
      this.#running.add(run);
    }
  }

  /** Resolves when the re-checks started so far are done. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
