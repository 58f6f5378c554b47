/**
 * Decides from microphone levels whether someone is talking (for the "you are talking while
 * muted" hint): talking once 3 of the last 5 readings (one per 200 ms of audio, so about 0.6 s
 * of speech) are above -42 dBFS, and no longer after 2 s under it. Pure, unit-tested; the readings
 * come from level-worklet.ts through use-muted-speech.ts.
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
