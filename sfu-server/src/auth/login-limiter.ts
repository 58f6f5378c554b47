/**
 * Slows down password guessing: at most `max` failed logins per username and per address within
 * the window; further attempts are refused until the window has passed.
 *
 * An attempt is *reserved* before the (slow, scrypt) password check and counts against both limits
 * while it is being checked, so N guesses sent at once get at most `max` checks, not N. The
 * reservation then becomes a failure, or — on success — is dropped together with the earlier
 * failures of that same username from that same address (and only those: a success does not wipe
 * the failures other usernames collected from the address, nor those of other addresses).
 */
interface Failure {
  at: number;
  username: string;
  address: string;
}

export interface LoginAttempt {
  /** The password was wrong (or the account unusable): the attempt stays counted as a failure. */
  fail(now?: number): void;
  /** The login succeeded: this attempt and this username's failures from this address are forgotten. */
  succeed(): void;
  /** The check could not be made (e.g. the store failed): the attempt is let go uncounted. */
  abandon(): void;
}

export class LoginLimiter {
  readonly #failures = new Map<string, Failure[]>();
  readonly #inFlight = new Map<string, number>();

  constructor(
    readonly max = 5,
    readonly windowMs = 5 * 60_000,
  ) {}

  #recent(key: string, now: number): Failure[] {
    const list = (this.#failures.get(key) ?? []).filter((f) => now - f.at < this.windowMs);
    if (list.length) this.#failures.set(key, list);
    else this.#failures.delete(key);
    return list;
  }

  #keys(username: string, address: string): [string, string] {
    return [`u:${username.toLowerCase()}`, `a:${address}`];
  }

  /**
   * Seconds to wait before trying again, or 0 when allowed. Attempts being checked count as
   * failures; when only those fill the budget, the wait is one second (they end within it).
   */
  blockedFor(username: string, address: string, now = Date.now()): number {
    let wait = 0;
    for (const key of this.#keys(username, address)) {
      const list = this.#recent(key, now);
      const pending = this.#inFlight.get(key) ?? 0;
      if (list.length + pending < this.max) continue;
      const oldest = list[0];
      const seconds = oldest && list.length >= this.max ? Math.ceil((oldest.at + this.windowMs - now) / 1000) : 1;
      wait = Math.max(wait, seconds);
    }
    return wait;
  }

  /**
   * Takes one attempt from both budgets at once (synchronously: no other attempt can slip in
   * between the check and the count), or answers how many seconds to wait.
   */
  reserve(username: string, address: string, now = Date.now()): LoginAttempt | { retryAfterSeconds: number } {
    const wait = this.blockedFor(username, address, now);
    if (wait > 0) return { retryAfterSeconds: wait };
    const keys = this.#keys(username, address);
    for (const key of keys) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let open = true;
    const release = () => {
      if (!open) return false;
      open = false;
      for (const key of keys) {
        const n = (this.#inFlight.get(key) ?? 1) - 1;
        if (n > 0) this.#inFlight.set(key, n);
        else this.#inFlight.delete(key);
      }
      return true;
    };
    const user = username.toLowerCase();
    return {
      fail: (at = Date.now()) => {
        if (!release()) return;
        const failure = { at, username: user, address };
        for (const key of keys) this.#failures.set(key, [...this.#recent(key, at), failure]);
      },
      succeed: () => {
        if (!release()) return;
        for (const key of keys) {
          const kept = (this.#failures.get(key) ?? []).filter((f) => !(f.username === user && f.address === address));
          if (kept.length) this.#failures.set(key, kept);
          else this.#failures.delete(key);
        }
      },
      abandon: () => {
        release();
      },
    };
  }
}
