/** The result rules: quorum, thresholds (more than half, two thirds), percentages, passed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, VoteDefinition } from '../../../common/protocol/voting';
import { canonicalJson } from '../../../sfu-server/src/voting/chain';
import { computeResult, passThreshold, quorumMet, reaches } from '../../../sfu-server/src/voting/tally';

describe('thresholds', () => {
  it('more than half is strictly more', () => {
    expect(reaches(5, 10, 'majority')).toBe(false);
    expect(reaches(6, 10, 'majority')).toBe(true);
    expect(reaches(3, 5, 'majority')).toBe(true);
    expect(reaches(0, 0, 'majority')).toBe(false);
  });
  it('two thirds is at least two thirds', () => {
    expect(reaches(2, 3, 'two_thirds')).toBe(true);
    expect(reaches(66, 100, 'two_thirds')).toBe(false);
    expect(reaches(67, 100, 'two_thirds')).toBe(true);
  });
  it('pass rules count against the eligible or the cast', () => {
    expect(passThreshold(6, 8, 20, 'majority_eligible')).toBe(false);
    expect(passThreshold(6, 8, 20, 'majority_cast')).toBe(true);
    expect(passThreshold(14, 20, 20, 'two_thirds_eligible')).toBe(true);
    expect(passThreshold(5, 8, 20, 'two_thirds_cast')).toBe(false);
  });
  it('quorum: none needs one ballot; majority and two thirds of the eligible', () => {
    expect(quorumMet(0, 10, 'none')).toBe(false);
    expect(quorumMet(1, 10, 'none')).toBe(true);
    expect(quorumMet(5, 10, 'majority')).toBe(false);
    expect(quorumMet(7, 10, 'two_thirds')).toBe(true);
  });
});

describe('computeResult', () => {
  const options = DEFAULT_OPTIONS.map((o) => ({ ...o }));
  it('default options pass on "Tán thành" with the quorum met', () => {
    const r = computeResult({ options, custom: false, counts: { 'tan-thanh': 4, 'khong-tan-thanh': 2, 'khong-bieu-quyet': 1 }, cast: 7, eligible: 7, quorum: 'majority', passRule: 'majority_eligible' });
    expect(r.passed).toBe(true);
    expect(r.options.map((o) => [o.id, o.percentOfCast, o.reached])).toEqual([['tan-thanh', 57.1, true], ['khong-tan-thanh', 28.6, false], ['khong-bieu-quyet', 14.3, false]]);
  });
  it('fails without quorum even when every ballot is for', () => {
    const r = computeResult({ options, custom: false, counts: { 'tan-thanh': 4 }, cast: 4, eligible: 10, quorum: 'majority', passRule: 'majority_cast' });
    expect(r).toMatchObject({ quorumMet: false, passed: false });
  });
  it('"Không tán thành" reaching the threshold does not pass a default vote', () => {
    const r = computeResult({ options, custom: false, counts: { 'khong-tan-thanh': 9 }, cast: 9, eligible: 10, quorum: 'majority', passRule: 'majority_cast' });
    expect(r.passed).toBe(false);
  });
  it('custom lists pass when some option reaches it; no ballots → zeros', () => {
    const custom = [{ id: 'p1', label: 'A' }, { id: 'p2', label: 'B' }];
    expect(computeResult({ options: custom, custom: true, counts: { p1: 1, p2: 3 }, cast: 4, eligible: 5, quorum: 'none', passRule: 'majority_cast' }).passed).toBe(true);
    const none = computeResult({ options: custom, custom: true, counts: {}, cast: 0, eligible: 5, quorum: 'none', passRule: 'majority_cast' });
    expect(none.options.map((o) => o.percentOfCast)).toEqual([0, 0]);
    expect(none.passed).toBe(false);
  });
});

describe('definitions and canonical JSON', () => {
  it('defaults to the three council options, 2 minutes, open ballot, majority rules', () => {
    expect(VoteDefinition.parse({ question: ' Thông qua? ' })).toEqual({ question: 'Thông qua?', agendaItemId: null, options: null, maxChoices: 1, secret: false, durationSeconds: 120, voterIds: null, quorum: 'majority', passRule: 'majority_eligible' });
  });
  it('refuses more choices than options, repeated options, control characters', () => {
    expect(VoteDefinition.safeParse({ question: 'x', options: ['A', 'B'], maxChoices: 3 }).success).toBe(false);
    expect(VoteDefinition.safeParse({ question: 'x', options: ['Ông A', 'ông a'] }).success).toBe(false);
    expect(VoteDefinition.safeParse({ question: 'x\u0007' }).success).toBe(false);
    expect(VoteDefinition.safeParse({ question: 'x', durationSeconds: 5 }).success).toBe(false);
  });
  it('canonical JSON sorts keys at every level and has no spaces', () => {
    expect(canonicalJson({ z: 1, a: { y: [true, null], b: 'Tán thành' } })).toBe('{"a":{"b":"Tán thành","y":[true,null]},"z":1}');
    expect(() => canonicalJson(Number.NaN)).toThrow();
  });
});
