/** "Present" for a vote: eligible people joined in the room or recorded present by attendance. */
import { expect, it } from 'vitest';
import { emptyRecord, presentIds, type AttendanceModel } from '../../../sfu-server/src/attendance/attendance-model';
import { presentCount, type Presence } from '../../../sfu-server/src/voting/eligibility';

const room = (ids: string[]): Presence => ({ peers: () => ids.map((accountId) => ({ accountId, role: 'delegate', displayName: accountId, pointName: '', notify: () => {} })) });

it('counts eligible people joined or marked present, each once, and nobody else', () => {
  const eligible = new Set(['chair', 'd1', 'd2', 'd3']);
  expect(presentCount(room(['chair', 'd1', 'guest']), 'm', eligible)).toBe(2);
  // d2 marked present without a device; d1 both joined and recorded; 'observer' is not eligible.
  expect(presentCount(room(['chair', 'd1', 'guest']), 'm', eligible, new Set(['d1', 'd2', 'observer']))).toBe(3);
  // Recorded as joined by attendance a moment before the room shows them.
  expect(presentCount(room([]), 'm', eligible, new Set(['d3']))).toBe(1);
});

it('attendance records as present whoever is connected or marked present, not who left', () => {
  const model: AttendanceModel = { meetingId: 'm', organisers: new Set(), points: new Map(), delegates: new Map(), records: new Map(), rollCalls: new Map(), rule: { basis: 'auto', numerator: 1, denominator: 2, strict: true } };
  const connected = { ...emptyRecord('d1', 'A', 'delegate', null), onlineSince: '2026-01-01T08:00:00.000Z' };
  const marked = { ...emptyRecord('d2', 'B', 'delegate', null), markedPresent: true };
  const left = { ...emptyRecord('d3', 'C', 'delegate', null), firstJoinedAt: '2026-01-01T08:00:00.000Z', lastLeftAt: '2026-01-01T08:30:00.000Z' };
  for (const r of [connected, marked, left]) model.records.set(r.accountId, r);
  expect([...presentIds(model)].sort()).toEqual(['d1', 'd2']);
});
