/**
 * The microphone's level as readings of READING_MS each: the RMS of all samples of that time in
 * dBFS (silence: -120). Fed by level-worklet.ts on the audio thread with blocks of 128 samples; pure,
 * unit-tested.
 */
export class LevelMeter {
  #sum = 0;
  #count = 0;
  readonly #every: number;

  constructor(sampleRate: number, readingMs: number) {
    this.#every = Math.max(1, Math.round((sampleRate * readingMs) / 1000));
  }

  /** Adds one block of samples; returns a reading (dBFS) when READING_MS of audio are complete, else null. */
  add(samples: Float32Array): number | null {
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
    this.#sum += sum;
    this.#count += samples.length;
    if (this.#count < this.#every) return null;
    const rms = Math.sqrt(this.#sum / this.#count);
    this.#sum = 0;
    this.#count = 0;
    return 20 * Math.log10(Math.max(rms, 1e-6));
  }
}
