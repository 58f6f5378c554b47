/**
 * Budgets of the collaboration endpoint: what one connection may send (message size, messages and
 * bytes per second), what one awareness message may be, and how big a layer may grow. A client over
 * budget is closed with a code and a reason it can show; an honest client stays far below them
 * (a stroke is one small update per animation frame; a whole layer of 3000 marks is about 1 MB).
 */

/** Close codes of budget refusals (besides the access codes in collab-access.ts). */
export const BUDGET_CLOSE = {
  /** A frame (or an awareness message) above its size limit (WebSocket's "message too big"). */
  tooLarge: 1009,
  /** More messages or bytes per second than allowed. */
  tooFast: 4429,
  /** The layer reached its size limit: the update was not applied. */
  layerFull: 4413,
} as const;

export interface CollabBudget {
  /** Largest frame accepted (bytes); a bigger one closes the connection with 1009. */
  maxMessageBytes: number;
  /** Messages per second per connection (sustained), and the burst tolerated. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Bytes per second per connection (sustained), and the burst tolerated. */
  bytesPerSecond: number;
  byteBurst: number;
  /** Largest awareness message (bytes). */
  maxAwarenessBytes: number;
  /** Awareness messages per second per connection (more are dropped, not relayed), and the burst. */
  awarenessPerSecond: number;
  awarenessBurst: number;
  /** Awareness client ids one connection may hold (a provider uses one). */
  maxAwarenessClients: number;
  /** Largest size of a layer (its whole state as one update, bytes). */
  maxLayerBytes: number;
}

const MiB = 1024 * 1024;

export function defaultBudget(maxLayerBytes = 8 * MiB): CollabBudget {
  // A client resyncing sends its whole layer in one frame: a frame may be a whole layer.
  const maxMessageBytes = maxLayerBytes + MiB;
  return {
    maxMessageBytes,
    messagesPerSecond: 120,
    messageBurst: 600,
    bytesPerSecond: MiB,
    byteBurst: 2 * maxMessageBytes,
    maxAwarenessBytes: 16 * 1024,
    awarenessPerSecond: 5,
    awarenessBurst: 20,
    maxAwarenessClients: 4,
    maxLayerBytes,
  };
}

/** A token bucket: `rate` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes `n` tokens if there are enough; false (nothing taken) otherwise. */
  take(n = 1): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#at) / 1000) * this.rate);
    this.#at = t;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}

/** A client exceeded a budget; `code` and `reason` go into the close frame. */
export class BudgetExceeded extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(reason);
  }
}
