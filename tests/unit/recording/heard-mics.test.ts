/** Which microphones the raw recording taps (`recording/heard-mics.ts`). */
import { describe, expect, it } from 'vitest';
import { mayBeHeard, MUTED_TAP_MS } from '../../../sfu-server/src/recording/heard-mics';

const ctx = { chairId: 'chair', holderId: 'holder', now: 100_000 };

describe('mayBeHeard', () => {
  it('an unmuted microphone, whoever holds it', () => {
    expect(mayBeHeard({ paused: false, accountId: 'x' }, { ...ctx, lastHeardAt: undefined })).toBe(true);
  });
  it('the chair and the floor holder even muted (they speak next)', () => {
    expect(mayBeHeard({ paused: true, accountId: 'chair' }, { ...ctx, lastHeardAt: undefined })).toBe(true);
    expect(mayBeHeard({ paused: true, accountId: 'holder' }, { ...ctx, lastHeardAt: undefined })).toBe(true);
    expect(mayBeHeard({ paused: true, accountId: 'holder' }, { ...ctx, holderId: null, lastHeardAt: undefined })).toBe(false);
  });
  it('a muted point: never heard → no tap; muted a moment ago → kept for MUTED_TAP_MS, then let go', () => {
    const point = { paused: true, accountId: 'x' };
    expect(mayBeHeard(point, { ...ctx, lastHeardAt: undefined })).toBe(false);
    expect(mayBeHeard(point, { ...ctx, lastHeardAt: ctx.now - 1_000 })).toBe(true);
    expect(mayBeHeard(point, { ...ctx, lastHeardAt: ctx.now - MUTED_TAP_MS + 1 })).toBe(true);
    expect(mayBeHeard(point, { ...ctx, lastHeardAt: ctx.now - MUTED_TAP_MS })).toBe(false);
    expect(mayBeHeard(point, { ...ctx, lastHeardAt: ctx.now - 2_000, mutedTapMs: 1_000 })).toBe(false);
  });
});
