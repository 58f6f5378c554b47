/** Pure rules of a vote's result: quorum, thresholds, percentages. */
import { FOR_OPTION_ID, type OptionResult, type PassRule, type QuorumRule, type VoteOption } from '../../../common/protocol/voting';

const pct = (n: number, of: number) => (of > 0 ? Math.round((n * 1000) / of) / 10 : 0);

/** More than half, or at least two thirds, of `base` (none of 0). */
export function reaches(count: number, base: number, rule: 'majority' | 'two_thirds'): boolean {
  if (base <= 0) return false;
  return rule === 'majority' ? count * 2 > base : count * 3 >= base * 2;
}

export function quorumMet(cast: number, eligible: number, quorum: QuorumRule): boolean {
  return quorum === 'none' ? cast > 0 : reaches(cast, eligible, quorum);
}

export function passThreshold(count: number, cast: number, eligible: number, rule: PassRule): boolean {
  const base = rule.endsWith('_eligible') ? eligible : cast;
  return reaches(count, base, rule.startsWith('majority') ? 'majority' : 'two_thirds');
}

export interface TallyInput {
  options: VoteOption[];
  custom: boolean;
  counts: Record<string, number>;
  cast: number;
  eligible: number;
  quorum: QuorumRule;
  passRule: PassRule;
}

export function computeResult(t: TallyInput): { options: OptionResult[]; quorumMet: boolean; passed: boolean } {
  const options = t.options.map((o) => {
    const count = t.counts[o.id] ?? 0;
    return { id: o.id, label: o.label, count, percentOfCast: pct(count, t.cast), percentOfEligible: pct(count, t.eligible), reached: passThreshold(count, t.cast, t.eligible, t.passRule) };
  });
  const met = quorumMet(t.cast, t.eligible, t.quorum);
  const decisive = t.custom ? options.some((o) => o.reached) : Boolean(options.find((o) => o.id === FOR_OPTION_ID)?.reached);
  return { options, quorumMet: met, passed: met && decisive };
}
