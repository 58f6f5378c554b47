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

export type GlobalAction = 'units.manage' | 'points.manage' | 'accounts.manage' | 'accounts.list' | 'audit.read' | 'meetings.create' | 'directory.read';
export type MeetingAction = 'meeting.view' | 'meeting.edit' | 'meeting.transition' | 'meeting.join';

const GLOBAL: Record<GlobalAction, readonly Role[]> = {
  'units.manage': ['admin'],
  'points.manage': ['admin'],
  'accounts.manage': ['admin'],
  'accounts.list': ['admin', 'secretary'],
  'audit.read': ['admin'],
  'meetings.create': ['admin', 'secretary'],
  // Units and bridge points are needed to invite, and to show tiles with their names.
  'directory.read': ['admin', 'secretary', 'chair', 'delegate', 'guest', 'operator', 'observer'],
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

/** What the policy needs about one document of a meeting's pack. */
export interface DocumentFacts {
  confidential: boolean;
  /** Confidential documents: roles and accounts chosen by the secretary. */
  allowedRoles: readonly string[];
  readers: readonly string[];
}

const organises = (actor: Actor, m: MeetingFacts) => actor.role === 'admin' || actor.accountId === m.chairId || actor.accountId === m.secretaryId || actor.accountId === m.createdBy;

/** Upload, replace, mark confidential, publish: the meeting's organisers (and admins), until the meeting is over. */
export function canManageDocuments(actor: Actor, m: MeetingFacts): boolean {
  return organises(actor, m) && (m.status === 'draft' || m.status === 'published' || m.status === 'live');
}

/**
 * Reading the pack, and one document of it: organisers always; invitees once the meeting is out of
 * draft and the pack is published; a confidential document only for the organisers and the roles
 * and people chosen for it.
 */
export function canReadDocuments(actor: Actor, m: MeetingFacts, packPublished: boolean, doc?: DocumentFacts): boolean {
  if (organises(actor, m)) return true;
  if (!m.invited || m.status === 'draft' || !packPublished) return false;
  if (!doc || !doc.confidential) return true;
  return doc.allowedRoles.includes(actor.role) || doc.readers.includes(actor.accountId);
}

/** Presenting a document in the conference: the chair, the secretary, the creator, admins, and the person the chair designated. */
export function canPresentDocuments(actor: Actor, m: MeetingFacts, designatedAccountId: string | null): boolean {
  return organises(actor, m) || (designatedAccountId !== null && actor.accountId === designatedAccountId && m.invited);
}

/** Designating a presenter: the chair (and admins). */
export function canDesignatePresenter(actor: Actor, m: MeetingFacts): boolean {
  return actor.role === 'admin' || actor.accountId === m.chairId;
}
