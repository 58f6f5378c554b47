import { describe, expect, it } from 'vitest';
import { handPosition } from '../../../renderer/src/features/floor/hand-position';

const request = (accountId: string) => ({ id: accountId, accountId, displayName: accountId, pointName: '', topic: '', requestedAt: '2026-12-06T10:00:00Z' });

describe('raised hands', () => {
  it('is the place in the speaker queue, 0 when not waiting', () => {
    const state = { queue: [request('a'), request('b')] };
    expect(handPosition(state, 'a')).toBe(1);
    expect(handPosition(state, 'b')).toBe(2);
    expect(handPosition(state, 'c')).toBe(0);
    expect(handPosition(null, 'a')).toBe(0);
    expect(handPosition(state, null)).toBe(0);
  });
});
