/** Where a raised hand stands: the 1-based place of this account in the speaker queue, or 0 when its hand is not raised. */
import type { FloorState } from '../../../../common/protocol';

export function handPosition(state: Pick<FloorState, 'queue'> | null, accountId: string | null | undefined): number {
  if (!state || !accountId) return 0;
  return state.queue.findIndex((r) => r.accountId === accountId) + 1;
}
