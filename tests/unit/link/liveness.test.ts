/** Signaling liveness on the client (renderer/.../link/liveness.ts): slow is not dead. */
import { expect, it } from 'vitest';
import { livenessAction, PROBE_AFTER_SILENCE_MS, SILENCE_DEAD_MS } from '../../../renderer/src/features/conference/link/liveness';

it('does nothing while frames keep arriving, however slowly answers come', () => {
  expect(livenessAction(10_000, 9_000, 0)).toBe('none');
  expect(livenessAction(100_000, 100_000 - PROBE_AFTER_SILENCE_MS + 1, 0)).toBe('none');
});

it('probes after a quiet spell, once per spell', () => {
  expect(livenessAction(20_000, 20_000 - PROBE_AFTER_SILENCE_MS, 0)).toBe('probe');
  expect(livenessAction(20_000, 20_000 - PROBE_AFTER_SILENCE_MS - 1000, 19_000)).toBe('none');
  expect(livenessAction(24_000, 15_000, 19_000)).toBe('probe');
});

it('gives up only after a long silence: 3 s of queue on a saturated line is not a cut', () => {
  expect(SILENCE_DEAD_MS).toBeGreaterThanOrEqual(10_000);
  expect(livenessAction(50_000, 50_000 - SILENCE_DEAD_MS + 1, 49_000)).not.toBe('rejoin');
  expect(livenessAction(50_000, 50_000 - SILENCE_DEAD_MS, 49_000)).toBe('rejoin');
});
