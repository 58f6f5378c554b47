import { describe, expect, it } from 'vitest';
import { isLargeMeeting, LARGE_MEETING_POINTS } from '../../../common/meeting-size';
import { CONTROLLED_FROM_POINTS } from '../../../sfu-server/src/floor/floor-store';
import { JOIN_MIC_DEFAULTS, joinMuted, parseJoinMic } from '../../../renderer/src/features/prejoin/join-mic';

describe('joining muted in large meetings', () => {
  it('a meeting of 10 or more invited points is large, the same threshold that starts the floor controlled', () => {
    expect(LARGE_MEETING_POINTS).toBe(10);
    expect(CONTROLLED_FROM_POINTS).toBe(LARGE_MEETING_POINTS);
    expect(isLargeMeeting(9)).toBe(false);
    expect(isLargeMeeting(10)).toBe(true);
    expect(isLargeMeeting(300)).toBe(true);
  });

  it('by default joins large meetings muted and small ones not', () => {
    expect(joinMuted(300, JOIN_MIC_DEFAULTS)).toBe(true);
    expect(joinMuted(10, JOIN_MIC_DEFAULTS)).toBe(true);
    expect(joinMuted(3, JOIN_MIC_DEFAULTS)).toBe(false);
    expect(joinMuted(0, JOIN_MIC_DEFAULTS)).toBe(false);
  });

  it('follows the remembered choice per meeting size, whatever was stored', () => {
    expect(joinMuted(300, parseJoinMic('{"mutedInLarge":false,"mutedInSmall":false}'))).toBe(false);
    expect(joinMuted(3, parseJoinMic('{"mutedInLarge":true,"mutedInSmall":true}'))).toBe(true);
    for (const bad of [null, '', 'nonsense', '[]', '{"mutedInLarge":"yes"}', '42']) expect(parseJoinMic(bad)).toEqual(JOIN_MIC_DEFAULTS);
  });
});
