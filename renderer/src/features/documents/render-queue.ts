/**
 * One page drawn at a time, nearest to the page being read first. Opening a document puts the
 * pages near the view (1–3) in line together; drawing them side by side made page 1 wait for the
 * others. With a queue, page 1 is on screen as soon as it alone is drawn.
 */
export class RenderQueue {
  #busy = false;
  #waiting: { page: number; resolve: () => void }[] = [];

  /** `current`: the page being read now (the queue serves the nearest waiting page first). */
  constructor(private readonly current: () => number) {}

  /** Waits for this page's turn; call the returned function when its drawing is over (done or cancelled). */
  async turn(page: number): Promise<() => void> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push({ page, resolve }));
    this.#busy = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#next();
    };
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  #next(): void {
    this.#busy = false;
    if (this.#waiting.length === 0) return;
    const current = this.current();
    this.#waiting.sort((a, b) => Math.abs(a.page - current) - Math.abs(b.page - current) || a.page - b.page);
    const next = this.#waiting.shift()!;
    this.#busy = true;
    next.resolve();
  }
}
