/** The quorum: how many must be present, over the invited delegates or the invited points. */
import type { Quorum, MeetingQuorumRule } from '../../../common/protocol';

export interface QuorumCounts {
  delegatesInvited: number;
  delegatesPresent: number;
  pointsInvited: number;
  pointsPresent: number;
}

/**
 * More than (strict) or at least (not strict) numerator/denominator of the basis. 'auto' counts
 * delegates when the meeting invited any, else bridge points. With nobody invited there is no quorum.
 */
export function computeQuorum(rule: MeetingQuorumRule, c: QuorumCounts): Quorum {
  const basis = rule.basis === 'auto' ? (c.delegatesInvited > 0 ? 'delegates' : 'points') : rule.basis;
  const total = basis === 'delegates' ? c.delegatesInvited : c.pointsInvited;
  const present = basis === 'delegates' ? c.delegatesPresent : c.pointsPresent;
  // Integer arithmetic: total * n / d compared exactly, no floating point.
  const product = total * rule.numerator;
  const required = rule.strict ? Math.floor(product / rule.denominator) + 1 : Math.ceil(product / rule.denominator);
  return { rule, basis, total, present, required, met: total > 0 && present >= required };
}
