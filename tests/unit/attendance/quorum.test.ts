import { describe, expect, it } from 'vitest';
import { DEFAULT_QUORUM } from '../../../common/protocol';
import { buildAttendance, emptyRecord, joined, left, totalSeconds, type AttendanceModel } from '../../../sfu-server/src/attendance/attendance-model';
import { computeQuorum } from '../../../sfu-server/src/attendance/quorum';

const counts = (delegatesInvited: number, delegatesPresent: number, pointsInvited = 0, pointsPresent = 0) => ({ delegatesInvited, delegatesPresent, pointsInvited, pointsPresent });

describe('quorum', () => {
  it('more than half of the delegates by default', () => {
    expect(computeQuorum(DEFAULT_QUORUM, counts(10, 5))).toMatchObject({ basis: 'delegates', required: 6, met: false });
    expect(computeQuorum(DEFAULT_QUORUM, counts(10, 6))).toMatchObject({ required: 6, met: true });
    expect(computeQuorum(DEFAULT_QUORUM, counts(9, 5))).toMatchObject({ required: 5, met: true });
    expect(computeQuorum(DEFAULT_QUORUM, counts(1, 1))).toMatchObject({ required: 1, met: true });
  });

  it('at least two thirds, exactly, without floating point', () => {
    const rule = { basis: 'delegates' as const, numerator: 2, denominator: 3, strict: false };
    expect(computeQuorum(rule, counts(9, 6))).toMatchObject({ required: 6, met: true });
    expect(computeQuorum(rule, counts(10, 6))).toMatchObject({ required: 7, met: false });
    expect(computeQuorum(rule, counts(300, 200))).toMatchObject({ required: 200, met: true });
  });

  it('counts bridge points when no delegate is invited (auto) or when asked to', () => {
    expect(computeQuorum(DEFAULT_QUORUM, counts(0, 0, 4, 3))).toMatchObject({ basis: 'points', total: 4, present: 3, required: 3, met: true });
    expect(computeQuorum({ ...DEFAULT_QUORUM, basis: 'points' }, counts(10, 10, 4, 2))).toMatchObject({ basis: 'points', met: false });
  });

  it('is never met with nobody invited', () => {
    expect(computeQuorum(DEFAULT_QUORUM, counts(0, 0, 0, 0))).toMatchObject({ total: 0, met: false });
    expect(computeQuorum({ ...DEFAULT_QUORUM, strict: false }, counts(0, 0, 0, 0)).met).toBe(false);
  });
});

describe('attendance model', () => {
  const base = (): AttendanceModel => ({
    meetingId: 'm',
    organisers: new Set(['chair']),
    points: new Map([['bp1', { name: 'Phòng họp xã A', unitName: 'UBND xã A', headcount: 20 }]]),
    delegates: new Map([
      ['d1', 'Đại biểu Một'],
      ['d2', 'Đại biểu Hai'],
      ['d3', 'Đại biểu Ba'],
    ]),
    records: new Map(),
    rollCalls: new Map(),
    rule: DEFAULT_QUORUM,
  });

  it('keeps first join, last leave and total time over reconnects', () => {
    const r = emptyRecord('d1', 'Đại biểu Một', 'delegate', null);
    joined(r, new Date('2026-01-01T08:00:00Z'));
    // A rejoin overlaps the old connection for a moment: one presence.
    joined(r, new Date('2026-01-01T08:10:00Z'));
    left(r, new Date('2026-01-01T08:10:01Z'));
    expect(r.onlineSince).toBe('2026-01-01T08:00:00.000Z');
    left(r, new Date('2026-01-01T08:30:00Z'));
    joined(r, new Date('2026-01-01T09:00:00Z'));
    expect(r.firstJoinedAt).toBe('2026-01-01T08:00:00.000Z');
    expect(r.lastLeftAt).toBe('2026-01-01T08:30:00.000Z');
    expect(totalSeconds(r, new Date('2026-01-01T09:10:00Z'))).toBe(30 * 60 + 10 * 60);
  });

  it('counts connected and marked delegates and connected points', () => {
    const m = base();
    const now = new Date('2026-01-01T08:00:00Z');
    const d1 = emptyRecord('d1', 'Đại biểu Một', 'delegate', null);
    joined(d1, now);
    m.records.set('d1', d1);
    let s = buildAttendance(m, now);
    expect(s.quorum).toMatchObject({ basis: 'delegates', total: 3, present: 1, required: 2, met: false });
    const d2 = emptyRecord('d2', 'Đại biểu Hai', 'delegate', null);
    d2.markedPresent = true;
    d2.markedAtPointId = 'bp1';
    m.records.set('d2', d2);
    const op = emptyRecord('op', 'Xã A', 'operator', 'bp1');
    joined(op, now);
    m.records.set('op', op);
    m.rollCalls.set('bp1', { presentCount: 17, takenAt: now.toISOString() });
    s = buildAttendance(m, now);
    expect(s.quorum).toMatchObject({ present: 2, met: true });
    expect(s.delegates.find((d) => d.accountId === 'd2')).toMatchObject({ present: true, online: false, markedAtPointId: 'bp1' });
    expect(s.points[0]).toMatchObject({ bridgePointId: 'bp1', online: true, headcount: 20, rollCall: { presentCount: 17 } });
    left(d1, now);
    expect(buildAttendance(m, now).quorum).toMatchObject({ present: 1, met: false });
  });
});
