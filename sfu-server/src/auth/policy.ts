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
  /**
   * Invited to watch only (người theo dõi, `meeting_viewers`): sees the meeting, its agenda, its
   * published documents and the live broadcast, and nothing else. `invited` stays false for them,
   * so every rule keyed on it (join, vote, floor, chat, annotate) stays closed.
   */
  watchOnly?: boolean;
}

export type MeetingAction =
  | 'meeting.view'
  | 'meeting.edit'
  | 'meeting.transition'
  | 'meeting.join'
  /** Picture and sound diagnostics of every bridge point (the roll call of points). */
  | 'meeting.monitor'
  /** Create, edit, open, close and cancel votes: the meeting's organisers (chair, secretary, creator). */
  | 'vote.manage'
  /** Cast one's own ballot (whether this person is on the vote's list is the voting service's check). */
  | 'vote.cast'
  /** A bridge-point operator recording the ballot of a delegate of its unit who has no device. */
  | 'vote.proxy'
  /** Download results (CSV, PDF). */
  | 'vote.export'
  | 'chat.read'
  | 'chat.post'
  /** Ask to speak and withdraw (in a live meeting). */
  | 'floor.request'
  /** Give and take the floor, controlled mode, time limits, host point. */
  | 'floor.manage'
  /** Mute, ask to unmute, remove, re-admit, lock. */
  | 'meeting.moderate'
  /** See attendance and quorum, take the roll call, mark delegates present, set the quorum rule. */
  | 'attendance.manage'
  /** Sign the meeting's documents to sign (the minutes): its chair and secretary. */
  | 'document.sign'
  /** Put up a document (a new version) for them to sign: the organisers. */
  | 'document.prepareSigning'
  /** Draft the minutes (the record, the conclusions' shared editor) and produce their PDF: the chair and the secretary. */
  | 'minutes.write'
  /** Follow the live broadcast (HLS): invitees, watch-only viewers, organisers, admins, while live. */
  | 'broadcast.watch'
  /** Turn the live broadcast on and off: the meeting's chair and secretary, and admins, while live. */
  | 'broadcast.manage';

/** Roles that may ever vote: guests, observers, operators (a room, not a person) and admins never do. */
export const VOTER_ROLES: readonly Role[] = ['delegate', 'chair', 'secretary'];

/** Who may ask to speak: people with a say (delegates, points, organisers); guests and observers only listen. */
const SPEAKING_ROLES: readonly Role[] = ['admin', 'secretary', 'chair', 'delegate', 'operator'];

export type GlobalAction = 'units.manage' | 'points.manage' | 'accounts.manage' | 'accounts.list' | 'audit.read' | 'meetings.create' | 'directory.read' | 'metrics.read' | 'media.plainRtp' | 'signing.trust.manage' | 'signing.verify';

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
      return isAdmin || organiser || ((m.invited || m.watchOnly === true) && m.status !== 'draft');
    case 'meeting.edit':
      return (isAdmin || organiser) && (m.status === 'draft' || m.status === 'published');
    case 'meeting.transition':
      return isAdmin || organiser;
    case 'meeting.join':
      return m.status === 'live' && (isAdmin || organiser || m.invited);
    case 'vote.manage':
      return organiser && m.status !== 'ended' && m.status !== 'cancelled';
    case 'vote.cast':
      return m.status === 'live' && VOTER_ROLES.includes(actor.role) && (organiser || m.invited);
    case 'vote.proxy':
      return m.status === 'live' && actor.role === 'operator' && actor.bridgePointId !== null && m.invited;
    case 'vote.export':
      return isAdmin || organiser;
    case 'chat.read':
      return m.status === 'live' && (isAdmin || organiser || m.invited);
    case 'chat.post':
      // Like Zoom and BigBlueButton, guests chat too; observers only watch and read.
      return m.status === 'live' && (isAdmin || organiser || m.invited) && actor.role !== 'observer';
    case 'floor.request':
      return m.status === 'live' && (isAdmin || organiser || m.invited) && SPEAKING_ROLES.includes(actor.role);
    case 'floor.manage':
    case 'meeting.moderate':
    case 'attendance.manage':
      // The meeting's chair, secretary and creator (its organisers), and administrators.
      return m.status === 'live' && (isAdmin || organiser);
    case 'meeting.monitor':
      // Picture and sound diagnostics of every bridge point (the roll call of points).
      return isAdmin || organiser;
    case 'document.sign':
      // Only the meeting's chair and secretary sign its documents (the minutes) — not the admin,
      // not the creator — once the meeting is published; never a cancelled meeting's.
      return (actor.accountId === m.chairId || actor.accountId === m.secretaryId) && (m.status === 'published' || m.status === 'live' || m.status === 'ended');
    case 'document.prepareSigning':
      // Putting up a document (a new version) for them to sign: the organisers.
      return (isAdmin || organiser) && m.status !== 'cancelled';
    case 'broadcast.watch':
      return m.status === 'live' && (isAdmin || organiser || m.invited || m.watchOnly === true);
    case 'broadcast.manage':
      return m.status === 'live' && (isAdmin || actor.accountId === m.chairId || actor.accountId === m.secretaryId);
    case 'minutes.write':
      // The minutes are the chair's and the secretary's, as their signatures are: not the admin's,
      // not the creator's; from publication (prepared ahead) to after the meeting ended.
      return (actor.accountId === m.chairId || actor.accountId === m.secretaryId) && (m.status === 'published' || m.status === 'live' || m.status === 'ended');
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
  if (!(m.invited || m.watchOnly === true) || m.status === 'draft' || !packPublished) return false;
  if (!doc || !doc.confidential) return true;
  // Watch-only viewers read the published, non-confidential documents; a confidential one only when named as its reader.
  if (!m.invited) return doc.readers.includes(actor.accountId);
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
