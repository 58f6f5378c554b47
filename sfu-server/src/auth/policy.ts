/**
 * The one permission policy: which role may do what, and for meetings, which people. HTTP routes,
 * signaling handlers and the collaboration endpoint all ask here.
 */
import type { MeetingStatus, Role } from '../../../common/api/model';

/** Who is asking: an authenticated account. */
export interface Actor {
  accountId: string;
  sessionId: string;
  role: Role;
  displayName: string;
  unitId: string | null;
  bridgePointId: string | null;
}

/** What the policy needs to know about a meeting. */
export interface MeetingFacts {
  status: MeetingStatus;
  chairId: string;
  secretaryId: string;
  /** Who created it: an organiser too (it is in their "my meetings", and they may prepare it). */
  createdBy: string;
  /** The actor is invited as a delegate, or is the operator of an invited bridge point. */
  invited: boolean;
}

export type GlobalAction = 'units.manage' | 'points.manage' | 'accounts.manage' | 'accounts.list' | 'audit.read' | 'meetings.create' | 'directory.read' | 'signing.trust.manage' | 'signing.verify';
export type MeetingAction = 'meeting.view' | 'meeting.edit' | 'meeting.transition' | 'meeting.join' | 'document.sign' | 'document.prepareSigning';

const GLOBAL: Record<GlobalAction, readonly Role[]> = {
  'units.manage': ['admin'],
  'points.manage': ['admin'],
  'accounts.manage': ['admin'],
  'accounts.list': ['admin', 'secretary'],
  'audit.read': ['admin'],
  'meetings.create': ['admin', 'secretary'],
  // Units and bridge points are needed to invite, and to show tiles with their names.
  'directory.read': ['admin', 'secretary', 'chair', 'delegate', 'guest', 'operator', 'observer'],
  // The authorities whose certificates are trusted when signatures are verified.
  'signing.trust.manage': ['admin'],
  // Anyone signed in may check the signatures of a PDF they hold.
  'signing.verify': ['admin', 'secretary', 'chair', 'delegate', 'guest', 'operator', 'observer'],
};

export function can(actor: Actor, action: GlobalAction): boolean {
  return GLOBAL[action].includes(actor.role);
}

export function canOnMeeting(actor: Actor, action: MeetingAction, m: MeetingFacts): boolean {
  const organiser = actor.accountId === m.chairId || actor.accountId === m.secretaryId || actor.accountId === m.createdBy;
  const isAdmin = actor.role === 'admin';
  switch (action) {
    case 'meeting.view':
      // Drafts are visible only to their organisers; published meetings to invitees too.
      return isAdmin || organiser || (m.invited && m.status !== 'draft');
    case 'meeting.edit':
      return (isAdmin || organiser) && (m.status === 'draft' || m.status === 'published');
    case 'meeting.transition':
      return isAdmin || organiser;
    case 'meeting.join':
      return m.status === 'live' && (isAdmin || organiser || m.invited);
    case 'document.sign':
      // Only the meeting's chair and secretary sign its documents (the minutes) — not the admin,
      // not the creator — once the meeting is published; never a cancelled meeting's.
      return (actor.accountId === m.chairId || actor.accountId === m.secretaryId) && (m.status === 'published' || m.status === 'live' || m.status === 'ended');
    case 'document.prepareSigning':
      // Putting up a document (a new version) for them to sign: the organisers.
      return (isAdmin || organiser) && m.status !== 'cancelled';
  }
}

/** Allowed status changes: draft → published → live → ended; cancel before it ends. */
export const TRANSITIONS: Record<MeetingStatus, readonly MeetingStatus[]> = {
  draft: ['published', 'cancelled'],
  published: ['live', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};
