/**
 * The microphone's level, measured on the audio rendering thread (an AudioWorklet), for the
 * "talking while muted" hint: every READING_MS of audio it posts one number to the page, the RMS
 * of those samples in dBFS (LevelMeter). The page's main thread then only receives five small
 * messages a second. Before, it read an AnalyserNode every 100 ms and summed the samples in
 * JavaScript, which boxed every sample: ~1 MB of garbage per 15 s per muted point in the
 * room-render bench's allocation profile, for something every point runs all meeting long.
 *
 * Loaded with `audioWorklet.addModule` from its own bundled file (Vite's `?worker&url`).
 */
import { LevelMeter } from './level-meter';
import { READING_MS } from './speech-gate';

declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new () => unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

class LevelProcessor extends AudioWorkletProcessor {
  readonly #meter = new LevelMeter(sampleRate, READING_MS);

  process(inputs: Float32Array[][]): boolean {
    const samples = inputs[0]?.[0];
    const reading = samples ? this.#meter.add(samples) : null;
    if (reading !== null) this.port.postMessage(reading);
    return true;
  }
}

registerProcessor('phonghop-level', LevelProcessor);
