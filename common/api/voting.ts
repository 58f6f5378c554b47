/** HTTP API of votes: prepared on the meeting page before the meeting, exported after. */
import { z } from 'zod';
import { VoteDefinition, VoteEntry } from '../protocol/voting';

export { VoteDefinition, VoteEntry };
export const VoteIdParams = z.strictObject({ voteId: z.string().uuid() });
export const VoteList = z.array(VoteEntry);
