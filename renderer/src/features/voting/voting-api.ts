/** HTTP calls of votes: preparing them on the meeting page, and the result exports. */
import type { z } from 'zod';
import { VoteEntry, VoteList } from '../../../../common/api/voting';
import type { VoteDefinitionInput } from '../../../../common/protocol';
import { serverUrl } from '../../platform/desktop';
import { api, ApiRequestError } from '../../net/api-client';

const enc = encodeURIComponent;

export const listVotes = (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/votes`, { schema: VoteList });
export const createVote = (meetingId: string, body: VoteDefinitionInput) => api.call('POST', `/api/meetings/${enc(meetingId)}/votes`, { body, schema: VoteEntry });
export const updateVote = (voteId: string, body: VoteDefinitionInput) => api.call('PUT', `/api/votes/${enc(voteId)}`, { body, schema: VoteEntry });
export const cancelVote = (voteId: string): Promise<z.output<typeof VoteEntry>> => api.call('POST', `/api/votes/${enc(voteId)}/cancel`, { schema: VoteEntry });

export type ExportFormat = 'csv' | 'pdf';

/** Downloads a meeting's results (all closed votes) as CSV or PDF, saving it under its file name. */
export async function downloadResults(meetingId: string, format: ExportFormat): Promise<void> {
  await api.me(); // refreshes the session first if the access token has expired
  const base = await serverUrl();
  if (!base) throw new ApiRequestError(0, 'network', 'apiErrors.network', 'no server address');
  const res = await fetch(new URL(`/api/meetings/${enc(meetingId)}/votes/results.${format}`, base), { credentials: 'include', cache: 'no-store' });
  if (!res.ok) throw new ApiRequestError(res.status, res.status === 403 ? 'forbidden' : 'bad_request', res.status === 403 ? 'apiErrors.forbidden' : 'apiErrors.bad_request', `HTTP ${res.status}`);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `bieu-quyet-${meetingId}.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
