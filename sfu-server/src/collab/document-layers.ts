/**
 * Annotation layers of a document (names `doc/<documentId>/shared` and
 * `doc/<documentId>/private/<accountId>`):
 * - shared: anyone who may read the document (DocumentAccess: invitation, published pack,
 *   confidentiality). Read-only once the meeting has ended or was cancelled: the record of what
 *   was marked during the meeting is then frozen.
 * - private: only the account named in it, and only while it may read the document. Nobody else,
 *   whatever their role (admins, chairs and secretaries included). Always writable.
 */
import type { MeetingStatus } from '../../../common/api/model';
import type { Actor } from '../auth/policy';
import type { DocumentAccess } from '../documents/access';
import type { CollabGrant, CollabResolver } from './collab-access';

export const DOCUMENT_PREFIX = 'doc';

const FROZEN: readonly MeetingStatus[] = ['ended', 'cancelled'];

export function documentLayersResolver(documents: DocumentAccess, meetingStatus: (meetingId: string) => Promise<MeetingStatus | null>): CollabResolver {
  return async (actor: Actor, segments: string[]): Promise<CollabGrant | null> => {
    const [documentId, layer, owner, ...extra] = segments;
    if (!documentId || extra.length > 0) return null;
    if (layer === 'shared') {
      if (owner !== undefined) return null;
    } else if (layer === 'private') {
      // Checked before asking anyone anything: another person's private layer is never opened.
      if (owner !== actor.accountId) return null;
    } else {
      return null;
    }
    const meetingId = await documents.readableMeeting(actor, documentId);
    if (!meetingId) return null;
    if (layer === 'private') return { mode: 'write', meetingId };
    const status = await meetingStatus(meetingId);
    if (!status) return null;
    return { mode: FROZEN.includes(status) ? 'read' : 'write', meetingId };
  };
}
