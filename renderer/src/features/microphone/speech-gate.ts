/**
 * Decides from microphone levels whether someone is talking (for the "you are talking while
 * muted" hint): talking once 3 of the last 5 readings (taken every 200 ms, so about 0.6 s of
 * speech) are above -42 dBFS, and no longer after 2 s under it. Pure, unit-tested; the readings
 * come from use-muted-speech.ts. Readings every 100 ms cost a muted point's main thread ~3 ms a
 * second all meeting long (room-render bench) for a hint that need not come sooner.
 */
export const SPEECH_DBFS = -42;
/** How often use-muted-speech.ts takes a reading. */
export const READING_MS = 200;
const WINDOW = 5;
const NEEDED = 3;
const QUIET_MS = 2000;

export class SpeechGate {
  #recent: boolean[] = [];
  #talking = false;
  #lastLoud = -Infinity;

  /** Feeds one reading (dBFS at `now` ms); returns whether the person is talking now. */
  feed(dbfs: number, now: number): boolean {
    const loud = dbfs > SPEECH_DBFS;
    this.#recent.push(loud);
    if (this.#recent.length > WINDOW) this.#recent.shift();
    if (loud) this.#lastLoud = now;
    if (this.#recent.filter(Boolean).length >= NEEDED) this.#talking = true;
    else if (now - this.#lastLoud >= QUIET_MS) this.#talking = false;
    return this.#talking;
  }

  reset(): void {
    this.#recent = [];
    this.#talking = false;
    this.#lastLoud = -Infinity;
  }
}

/** RMS of samples in dBFS (silence: -120). */
export function rmsDbfs(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return 20 * Math.log10(Math.max(rms, 1e-6));
}
