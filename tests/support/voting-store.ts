/** A live meeting and its people written straight into a store, and a VotingService over it (no media). */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../sfu-server/src/auth/policy';
import { MeetingsService } from '../../sfu-server/src/meetings/meetings-service';
import type { Db } from '../../sfu-server/src/store/database';
import type { Presence } from '../../sfu-server/src/voting/eligibility';
import { VotingService } from '../../sfu-server/src/voting/voting-service';
import { quietLogger } from './stores';

const now = () => new Date().toISOString();

export async function insertAccount(db: Db, role: string, displayName: string, unitId: string | null = null): Promise<Actor> {
  const id = randomUUID();
  await db.insertInto('accounts').values({ id, username: `${role}-${id.slice(0, 8)}`, display_name: displayName, title: '', role, unit_id: unitId, bridge_point_id: null, password_hash: 'not-used', disabled: 0, created_at: now(), updated_at: now() }).execute();
  return { accountId: id, sessionId: 's', role: role as Actor['role'], displayName, unitId, bridgePointId: null };
}

export async function insertLiveMeeting(db: Db, delegates: number) {
  const chair = await insertAccount(db, 'chair', 'Chủ tọa');
  const secretary = await insertAccount(db, 'secretary', 'Thư ký');
  const voters: Actor[] = [];
  for (let i = 0; i < delegates; i++) voters.push(await insertAccount(db, 'delegate', `Đại biểu ${i + 1}`));
  const id = randomUUID();
  await db.insertInto('meetings').values({ id, title: 'Kỳ họp thứ nhất', description: '', starts_at: now(), ends_at: new Date(Date.now() + 3600_000).toISOString(), status: 'live', chair_id: chair.accountId, secretary_id: secretary.accountId, created_by: secretary.accountId, created_at: now(), updated_at: now() }).execute();
  await db.insertInto('meeting_delegates').values(voters.map((v) => ({ meeting_id: id, account_id: v.accountId }))).execute();
  return { meetingId: id, chair, secretary, voters };
}

export function votingOver(db: Db, postgres: boolean, presence: Presence = { peers: () => [] }): VotingService {
  return new VotingService({ db, postgres, meetings: new MeetingsService(db), presence, logger: quietLogger() });
}
