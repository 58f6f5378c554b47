/** HTTP calls of the minutes: the assembled record, its PDF preview, and producing a version to sign. */
import { MinutesDraft } from '../../../../common/api/minutes';
import { SignedDocument } from '../../../../common/api/signing';
import { api } from '../../net/api-client';
import { serverUrl } from '../../platform/desktop';

const enc = encodeURIComponent;

export const minutesApi = {
  draft: (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/minutes`, { schema: MinutesDraft }),
  produce: (meetingId: string) => api.call('POST', `/api/meetings/${enc(meetingId)}/minutes/pdf`, { schema: SignedDocument }),
  previewUrl: async (meetingId: string) => new URL(`/api/meetings/${enc(meetingId)}/minutes/preview.pdf`, (await serverUrl()) ?? window.location.origin).toString(),
};
