/** HTTP calls of the live broadcast and of watch-only invitations (through the shared ApiClient). */
import { BroadcastState, Viewers } from '../../../../common/api/broadcast';
import { api } from '../../net/api-client';
import { serverUrl } from '../../platform/desktop';

const enc = encodeURIComponent;

export const broadcastApi = {
  state: (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/broadcast`, { schema: BroadcastState }),
  set: (meetingId: string, on: boolean) => api.call('PUT', `/api/meetings/${enc(meetingId)}/broadcast`, { body: { on }, schema: BroadcastState }),
  viewers: (meetingId: string) => api.call('GET', `/api/meetings/${enc(meetingId)}/viewers`, { schema: Viewers }),
  setViewers: (meetingId: string, accountIds: string[]) => api.call('PUT', `/api/meetings/${enc(meetingId)}/viewers`, { body: { accountIds }, schema: Viewers }),
  /** The playlist's absolute URL (the desktop app loads the client from the server, a browser from the page's origin). */
  async absolute(playlistUrl: string): Promise<string> {
    const base = await serverUrl();
    return new URL(playlistUrl, base ?? window.location.href).toString();
  },
};
