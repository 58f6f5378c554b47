/**
 * How late the main thread's event loop runs (perf_hooks.monitorEventLoopDelay), read over recent
 * time only: the delay is measured in 10-second windows, and a reading gives the p99 and maximum of
 * the current window, or of the previous one when that was worse (so a figure read during or just
 * after an attack describes the attack, not the server's whole life).
 * Exported as `phonghop_event_loop_delay_p99_ms` (/metrics) and `eventLoopDelayP99Ms` (/api/metrics).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const WINDOW_MS = 10_000;

export class EventLoopDelay {
  readonly #current: IntervalHistogram;
  #previous = { p99Ms: 0, maxMs: 0 };
  readonly #timer: NodeJS.Timeout;

  constructor(resolutionMs = 10) {
    this.#current = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#current.enable();
    this.#timer = setInterval(() => {
      this.#previous = this.#window();
      this.#current.reset();
    }, WINDOW_MS);
    this.#timer.unref();
  }

  #window(): { p99Ms: number; maxMs: number } {
    const h = this.#current;
    return h.count === 0 ? { p99Ms: 0, maxMs: 0 } : { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
  }

  /** p99 and max of the delay in milliseconds: the current window's, or the previous one's when worse. */
  read(): { p99Ms: number; maxMs: number } {
    const now = this.#window();
    return { p99Ms: Math.max(now.p99Ms, this.#previous.p99Ms), maxMs: Math.max(now.maxMs, this.#previous.maxMs) };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#current.disable();
  }
}
