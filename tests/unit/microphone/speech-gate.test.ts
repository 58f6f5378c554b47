import { describe, expect, it } from 'vitest';
import { LevelMeter } from '../../../renderer/src/features/microphone/level-meter';
import { READING_MS, SpeechGate } from '../../../renderer/src/features/microphone/speech-gate';

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

  it('measures one reading per READING_MS of audio: the RMS of all its samples in dBFS', () => {
    const meter = new LevelMeter(48_000, READING_MS); // 9 600 samples a reading
    const block = (value: number) => new Float32Array(128).fill(value);
    const readings: number[] = [];
    for (let i = 0; i < 150; i++) {
      const r = meter.add(block(i < 75 ? 0.1 : 0));
      if (r !== null) readings.push(r);
    }
    // 150 blocks of 128 = 19 200 samples: two readings, the first of 75 loud blocks (9 600 samples).
    expect(readings).toHaveLength(2);
    expect(readings[0]).toBeCloseTo(-20, 5);
    expect(readings[1]).toBeLessThan(-100);
    expect(new LevelMeter(48_000, READING_MS).add(new Float32Array(9600).fill(1))).toBeCloseTo(0, 5);
  });
});
