/**
 * Annotation layers of a document (names `doc/<documentId>/shared` and
 * `doc/<documentId>/private/<accountId>`):
 * - shared: anyone who may read the document (DocumentAccess: invitation, published pack,
 *   confidentiality). Read-only once the meeting has ended or was cancelled: the record of what
 *   was marked during the meeting is then frozen. Each writer may add marks only in their own name
 *   and change or erase only their own (mark-authorship.ts); the meeting's chair and secretary
 *   moderate the layer and may erase anyone's.
 * - private: only the account named in it, and only while it may read the document. Nobody else,
 *   whatever their role (admins, chairs and secretaries included). Always writable.
 */
import type { MeetingStatus } from '../../../common/api/model';
import type { Actor } from '../auth/policy';
import type { DocumentAccess } from '../documents/access';
import type { CollabGrant, CollabResolver } from './collab-access';
import { markAuthorshipGuard } from './mark-authorship';

/** What the shared layer's rules need to know of the document's meeting. */
export interface LayerMeeting {
  status: MeetingStatus;
  chairId: string;
  secretaryId: string;
}

export const DOCUMENT_PREFIX = 'doc';

const FROZEN: readonly MeetingStatus[] = ['ended', 'cancelled'];

/**
 * `watchOnly`: whether the actor follows the document's meeting as a watch-only viewer (người theo
 * dõi): they may read the shared layer but never write, and have no private layer (they do not annotate).
 */
export function documentLayersResolver(
  documents: DocumentAccess,
  meetingOf: (meetingId: string) => Promise<LayerMeeting | null>,
  watchOnly: (actor: Actor, meetingId: string) => Promise<boolean> = async () => false,
): CollabResolver {
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
    const viewer = await watchOnly(actor, meetingId);
    if (layer === 'private') return viewer ? null : { mode: 'write', meetingId };
    if (viewer) return { mode: 'read', meetingId };
    const meeting = await meetingOf(meetingId);
    if (!meeting) return null;
    if (FROZEN.includes(meeting.status)) return { mode: 'read', meetingId };
    const moderator = actor.accountId === meeting.chairId || actor.accountId === meeting.secretaryId;
    return moderator ? { mode: 'write', meetingId } : { mode: 'write', meetingId, guard: markAuthorshipGuard(actor) };
  };
}
