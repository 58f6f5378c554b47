/** Automatic fallback (renderer/.../link/fallback-rules.ts): steps down, comes back, does not flap, obeys the user. */
import { describe, expect, it } from 'vitest';
import type { LinkQuality } from '../../../common/link-quality';
import {
  BASE_UP_AFTER_MS,
  DOWN_SAMPLES,
  effectiveMode,
  initialFallback,
  MAX_UP_AFTER_MS,
  modeOfLevel,
  nextFallback,
  OVERRIDE_HOLD_MS,
  overrideFallback,
  SAMPLE_MS,
  type FallbackState,
} from '../../../renderer/src/features/conference/link/fallback-rules';

/** Feeds `n` samples of one quality, SAMPLE_MS apart, from `t`; returns the state and the next time. */
function feed(s: FallbackState, quality: LinkQuality, n: number, t: number): [FallbackState, number] {
  for (let i = 0; i < n; i++) {
    t += SAMPLE_MS;
    s = nextFallback(s, quality, t);
  }
  return [s, t];
}

describe('automatic fallback', () => {
  it('rides out a short burst of loss', () => {
    const [s] = feed(initialFallback, 'poor', DOWN_SAMPLES - 1, 0);
    expect(s.level).toBe(0);
    const [after] = feed(s, 'good', 1, 10_000);
    expect(feed(after, 'poor', DOWN_SAMPLES - 1, 12_000)[0].level).toBe(0);
  });

  it('steps down to fewer, smaller videos, then to audio only, each after a poor spell of its own', () => {
    let [s, t] = feed(initialFallback, 'poor', DOWN_SAMPLES, 0);
    expect(s.level).toBe(1);
    expect(s.since).toBe(t);
    expect(modeOfLevel(s.level)).toBe('low');
    [s, t] = feed(s, 'poor', DOWN_SAMPLES - 1, t);
    expect(s.level).toBe(1);
    [s, t] = feed(s, 'poor', 1, t);
    expect(s.level).toBe(2);
    expect(modeOfLevel(s.level)).toBe('audio-only');
    // Never below audio only: speech is not given up.
    [s, t] = feed(s, 'poor', 20, t);
    expect(s.level).toBe(2);
  });

  it('comes back up by itself one level at a time after a good spell; fair holds', () => {
    let [s, t] = feed(initialFallback, 'poor', DOWN_SAMPLES * 2, 0);
    expect(s.level).toBe(2);
    [s, t] = feed(s, 'fair', 30, t);
    expect(s.level).toBe(2);
    [s, t] = feed(s, 'good', BASE_UP_AFTER_MS / SAMPLE_MS - 1, t);
    expect(s.level).toBe(2);
    [s, t] = feed(s, 'good', 2, t);
    expect(s.level).toBe(1);
    [s, t] = feed(s, 'good', BASE_UP_AFTER_MS / SAMPLE_MS + 1, t);
    expect(s.level).toBe(0);
  });

  it('is back from audio only to full within 15 s of the link turning good (the shaping lifted)', () => {
    let [s, t] = feed(initialFallback, 'poor', DOWN_SAMPLES * 2, 0);
    expect(s.level).toBe(2);
    const lifted = t;
    while (s.level > 0 && t - lifted < 60_000) [s, t] = feed(s, 'good', 1, t);
    expect(s.level).toBe(0);
    expect(t - lifted).toBeLessThanOrEqual(15_000);
  });

  it('waits twice as long after each failed probe (a link that carries audio but not video does not flap)', () => {
    let [s, t] = feed(initialFallback, 'poor', DOWN_SAMPLES, 0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const from = t;
      while (s.level === 1) [s, t] = feed(s, 'good', 1, t);
      waits.push(t - from);
      [s, t] = feed(s, 'poor', DOWN_SAMPLES, t);
      expect(s.level).toBe(1);
    }
    expect(waits[1]!).toBeGreaterThanOrEqual(2 * BASE_UP_AFTER_MS);
    expect(waits[2]!).toBeGreaterThanOrEqual(4 * BASE_UP_AFTER_MS);
    expect(waits[4]!).toBeLessThanOrEqual(MAX_UP_AFTER_MS + 2 * SAMPLE_MS);
  });

  it('goes back to full at the user’s click and does not fall back again for a while', () => {
    let [s, t] = feed(initialFallback, 'poor', DOWN_SAMPLES * 2, 0);
    s = overrideFallback(s, t);
    expect(s.level).toBe(0);
    [s, t] = feed(s, 'poor', OVERRIDE_HOLD_MS / SAMPLE_MS - 1, t);
    expect(s.level).toBe(0);
    [s, t] = feed(s, 'poor', DOWN_SAMPLES, t);
    expect(s.level).toBe(1);
  });

  it('never sends more than the user chose', () => {
    expect(effectiveMode('normal', 0)).toBe('normal');
    expect(effectiveMode('normal', 1)).toBe('low');
    expect(effectiveMode('audio-only', 1)).toBe('audio-only');
    expect(effectiveMode('low', 0)).toBe('low');
    expect(effectiveMode('low', 2)).toBe('audio-only');
  });
});
