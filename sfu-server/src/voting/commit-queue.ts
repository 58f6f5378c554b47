/**
 * Group commit: items for one key (a meeting) that arrive while a commit for that key is in flight
 * are collected and committed together in the next one; the first item starts a commit at once.
 * Each item's promise settles only after the commit that carried it has finished, with that item's
 * own outcome (one refused item does not fail the others).
 */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Commits a batch in order; returns one outcome per item, in the same order. */
export type CommitBatch<T, R> = (key: string, items: T[]) => Promise<Outcome<R>[]>;

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class CommitQueue<T, R> {
  readonly #commit: CommitBatch<T, R>;
  readonly #waiting = new Map<string, Waiting<T, R>[]>();
  readonly #busy = new Set<string>();
  /** Sizes of the batches committed so far (for tests and figures). */
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
      for (let batch = this.#take(key); batch.length > 0; batch = this.#take(key)) {
        if (this.batchSizes.length < 10_000) this.batchSizes.push(batch.length);
        let outcomes: Outcome<R>[];
        try {
          outcomes = await this.#commit(key, batch.map((w) => w.item));
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false, error }));
        }
        batch.forEach((w, i) => {
          const o = outcomes[i] ?? { ok: false, error: new Error('no outcome for this item') };
          if (o.ok) w.resolve(o.value);
          else w.reject(o.error);
        });
      }
    } finally {
      this.#busy.delete(key);
    }
  }

  #take(key: string): Waiting<T, R>[] {
    const list = this.#waiting.get(key) ?? [];
    this.#waiting.delete(key);
    return list;
  }
}
