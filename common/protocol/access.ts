/**
 * Access changes pushed to an open signaling connection (sfu-server/src/access/): the connection's
 * rights were checked again after a change (the account's role or bridge point, the meeting's
 * invitations or chair, the account disabled) and it lost some of them.
 */

/** Close code of a signaling connection whose rights to its meeting were withdrawn (final: the client does not rejoin). */
export const ACCESS_REVOKED_CLOSE_CODE = 4006;
/** Close code of a connection whose rights changed but remain: the client reconnects and gets the new ones. */
export const ACCESS_CHANGED_CLOSE_CODE = 4409;

export interface AccessNotifications {
  /**
   * Sent before the server takes away what the connection may no longer have: `meetingId` is the
   * meeting it may no longer join (the connection is then closed with 4006) or watch.
   */
  accessRevoked: { meetingId: string; reason: 'not_allowed' };
}
