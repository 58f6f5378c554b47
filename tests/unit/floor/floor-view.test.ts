import { describe, expect, it } from 'vitest';
import { DEFAULT_QUORUM } from '../../../common/protocol';
import { applyChange } from '../../../renderer/src/features/attendance/attendance-store';
import { formatDuration, isManager, secondsSince, timerPhase } from '../../../renderer/src/features/floor/floor-store';

describe('speaking timer', () => {
  it('counts from the start on the server clock and changes colour near and past the limit', () => {
    const start = '2026-01-01T08:00:00.000Z';
    expect(secondsSince(start, Date.parse(start) + 65_400)).toBe(65);
    expect(secondsSince(start, Date.parse(start) - 5_000)).toBe(0);
    expect(formatDuration(65)).toBe('01:05');
    expect(formatDuration(3600)).toBe('60:00');
    expect(timerPhase(100, 180, 30)).toBe('normal');
    expect(timerPhase(150, 180, 30)).toBe('warning');
    expect(timerPhase(180, 180, 30)).toBe('over');
    expect(timerPhase(10_000, 0, 30)).toBe('normal');
  });

  it('lets organisers and administrators manage', () => {
    const state = { organiserIds: ['chair', 'sec'] } as never;
    expect(isManager(state, { accountId: 'chair', role: 'chair' })).toBe(true);
    expect(isManager(state, { accountId: 'x', role: 'admin' })).toBe(true);
    expect(isManager(state, { accountId: 'x', role: 'chair' })).toBe(false);
    expect(isManager(null, { accountId: 'chair', role: 'chair' })).toBe(false);
  });
});

describe('attendance changes', () => {
  const quorum = (present: number) => ({ rule: DEFAULT_QUORUM, basis: 'points' as const, total: 2, present, required: 2, met: present >= 2 });
  const point = (id: string, online: boolean) => ({ bridgePointId: id, name: id, unitName: '', headcount: 10, online, firstJoinedAt: null, lastLeftAt: null, totalSeconds: 0, rollCall: null });

  it('replaces the changed rows, adds new ones, keeps the rest, takes the new quorum', () => {
    const state = { points: [point('a', false), point('b', false)], delegates: [], others: [], quorum: quorum(0), at: 't0' };
    const other = { accountId: 'g', displayName: 'Khách', online: true, firstJoinedAt: 't1', lastLeftAt: null, totalSeconds: 0, markedAtPointId: null, present: true, role: 'guest' };
    const next = applyChange(state, { points: [point('b', true)], delegates: [], others: [other], quorum: quorum(1), at: 't1' });
    expect(next.points.map((p) => [p.bridgePointId, p.online])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(next.others).toEqual([other]);
    expect(next.quorum.present).toBe(1);
    expect(next.at).toBe('t1');
    expect(state.points[1]!.online).toBe(false);
  });
});
