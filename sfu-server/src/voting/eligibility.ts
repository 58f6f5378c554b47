/**
 * Who may vote, and who is here: small functions the voting service is given. "Present" comes
 * from the attendance record (joined, or marked present by the secretary in a room without their
 * own device), and the room itself.
 */
import { VOTER_ROLES } from '../auth/policy';
import type { Notify } from '../media/peer';
import type { Db } from '../store/database';

/**
 * Everyone eligible by default on a meeting: invited delegates plus the chair and the secretary,
 * whose accounts have a voting role and are not disabled. Guests, observers, operators (a bridge
 * point, not a person) and admins never vote.
 */
export async function defaultEligible(db: Db, meetingId: string): Promise<string[]> {
  const meeting = await db.selectFrom('meetings').select(['chair_id', 'secretary_id']).where('id', '=', meetingId).executeTakeFirstOrThrow();
  const invited = await db.selectFrom('meeting_delegates').select('account_id').where('meeting_id', '=', meetingId).execute();
  const ids = [...new Set([meeting.chair_id, meeting.secretary_id, ...invited.map((r) => r.account_id)])];
  const ok: string[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('accounts')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .where('role', 'in', [...VOTER_ROLES])
      .where('disabled', '=', 0)
      .execute();
    ok.push(...rows.map((r) => r.id));
  }
  return ok.sort();
}

/** Someone in a meeting's room, as the voting service needs them: who, and how to tell them. */
export interface PresentPeer {
  accountId: string;
  role: string;
  displayName: string;
  pointName: string;
  notify: Notify;
  /** Sends a frame encoded once for many recipients, when the connection can. */
  sendFrame?: ((frame: string) => void) | undefined;
}

export interface Presence {
  /** The peers joined in that meeting's room now (none if no room). */
  peers(meetingId: string): PresentPeer[];
}

/** The attendance record of a meeting, as the voting service needs it. */
export interface AttendanceRecord {
  /** Accounts present now: connected, or marked present by the secretary. */
  presentIds(meetingId: string): Promise<ReadonlySet<string>>;
}

/**
 * How many of `eligible` are present now: recorded present by attendance (joined, or marked present
 * without a device), or joined in the room this moment (attendance records a join a moment later).
 */
export function presentCount(presence: Presence, meetingId: string, eligible: ReadonlySet<string>, attended: ReadonlySet<string> = new Set()): number {
  const here = new Set<string>();
  for (const p of presence.peers(meetingId)) if (eligible.has(p.accountId)) here.add(p.accountId);
  for (const id of attended) if (eligible.has(id)) here.add(id);
  return here.size;
}
