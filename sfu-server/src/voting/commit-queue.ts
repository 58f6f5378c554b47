/**
 * Group commit: items for one key (a vote) that arrive while a commit for that key is in flight,
 * or waiting for the store, are collected and committed together in the next one; the first item
 * starts a commit at once. Each item's promise settles only after the commit that carried it has
 * finished, with that item's own outcome (one refused item does not fail the others).
 */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Commits one batch. It calls `take()` once, as late as it can (inside its transaction, once the
 * store is its own), to get the items gathered so far; it returns one outcome per item, in order.
 */
export type CommitBatch<T, R> = (key: string, take: () => T[]) => Promise<Outcome<R>[]>;

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class CommitQueue<T, R> {
  readonly #commit: CommitBatch<T, R>;
  readonly #waiting = new Map<string, Waiting<T, R>[]>();
  readonly #busy = new Set<string>();
  /** Sizes of the batches committed so far (the last 10,000: for tests and figures). */
  readonly batchSizes: number[] = [];

  constructor(commit: CommitBatch<T, R>) {
    this.#commit = commit;
  }

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const list = this.#waiting.get(key);
      if (list) list.push({ item, resolve, reject });
      else this.#waiting.set(key, [{ item, resolve, reject }]);
      if (!this.#busy.has(key)) void this.#drain(key);
    });
  }

  async #drain(key: string): Promise<void> {
    this.#busy.add(key);
    try {
      while (this.#waiting.has(key)) {
        let batch: Waiting<T, R>[] | null = null;
        const take = () => {
          batch ??= this.#take(key);
          return batch.map((w) => w.item);
        };
        let outcomes: Outcome<R>[];
        try {
          outcomes = await this.#commit(key, take);
        } catch (error) {
          take();
          outcomes = batch!.map(() => ({ ok: false, error }));
        }
        take();
        this.#settle(batch!, outcomes);
      }
    } finally {
      this.#busy.delete(key);
    }
  }

  #settle(batch: Waiting<T, R>[], outcomes: Outcome<R>[]): void {
    if (this.batchSizes.push(batch.length) > 10_000) this.batchSizes.shift();
    batch.forEach((w, i) => {
      const o = outcomes[i] ?? { ok: false, error: new Error('no outcome for this item') };
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  }

  #take(key: string): Waiting<T, R>[] {
    const list = this.#waiting.get(key) ?? [];
    this.#waiting.delete(key);
    return list;
  }
}
