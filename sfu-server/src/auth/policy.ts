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

export type GlobalAction = 'units.manage' | 'points.manage' | 'accounts.manage' | 'accounts.list' | 'audit.read' | 'meetings.create' | 'directory.read' | 'metrics.read' | 'media.plainRtp';
export type MeetingAction = 'meeting.view' | 'meeting.edit' | 'meeting.transition' | 'meeting.join';

const GLOBAL: Record<GlobalAction, readonly Role[]> = {
  'units.manage': ['admin'],
  'points.manage': ['admin'],
  'accounts.manage': ['admin'],
  'accounts.list': ['admin', 'secretary'],
  'audit.read': ['admin'],
  // Server figures (rooms, workers, CPU): for those who run the server.
  'metrics.read': ['admin'],
  // Plain RTP endpoints are bridge points' hardware codecs (when the server enables them).
  'media.plainRtp': ['admin', 'operator'],
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
