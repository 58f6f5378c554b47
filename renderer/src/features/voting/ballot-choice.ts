/** The labels of the chosen options, in the ballot's order (the confirmation and the receipt show them). */
import type { VoteView } from '../../../../common/protocol';

export function chosenLabels(vote: Pick<VoteView, 'options'>, choices: readonly string[]): string[] {
  return vote.options.filter((o) => choices.includes(o.id)).map((o) => o.label);
}
