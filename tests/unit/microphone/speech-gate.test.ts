import { describe, expect, it } from 'vitest';
import { READING_MS, rmsDbfs, SpeechGate } from '../../../renderer/src/features/microphone/speech-gate';

describe('talking while muted', () => {
  it('needs 3 loud readings of the last 5, and lets go after 2 s of quiet', () => {
    const gate = new SpeechGate();
    let t = 0;
    const feed = (db: number) => gate.feed(db, (t += READING_MS));
    expect(feed(-20)).toBe(false);
    expect(feed(-70)).toBe(false);
    expect(feed(-20)).toBe(false);
    expect(feed(-20)).toBe(true);
    // A pause between words (under 2 s) does not hide the hint...
    const pause = Math.floor(1900 / READING_MS);
    for (let i = 0; i < pause; i++) expect(feed(-80)).toBe(true);
    // ...two seconds of quiet do.
    feed(-80);
    expect(feed(-80)).toBe(false);
  });

  it('a single click or cough is not talking', () => {
    const gate = new SpeechGate();
    let t = 0;
    const readings = [-80, -10, -80, -80, -80, -80, -15, -80, -80, -80];
    expect(readings.map((db) => gate.feed(db, (t += READING_MS))).some(Boolean)).toBe(false);
  });

  it('measures RMS in dBFS', () => {
    expect(rmsDbfs(new Float32Array(256))).toBeLessThan(-100);
    expect(rmsDbfs(new Float32Array(256).fill(1))).toBeCloseTo(0, 5);
    expect(rmsDbfs(new Float32Array(256).fill(0.1))).toBeCloseTo(-20, 5);
  });
});
