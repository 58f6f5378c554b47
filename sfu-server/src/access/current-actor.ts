/**
 * The actor of an open connection as it is now: its account's current role, name, unit and bridge
 * point, or null when the session was revoked or the account disabled. Connections keep the actor
 * they were opened with; after an access change they ask here.
 */
import type { Actor } from '../auth/policy';
import type { Db } from '../store/database';

export async function currentActor(db: Db, was: Actor): Promise<Actor | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select(['accounts.role', 'accounts.display_name', 'accounts.unit_id', 'accounts.bridge_point_id', 'accounts.disabled', 'sessions.revoked_at'])
    .where('sessions.id', '=', was.sessionId)
    .where('accounts.id', '=', was.accountId)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled) return null;
  return { ...was, role: row.role as Actor['role'], displayName: row.display_name, unitId: row.unit_id, bridgePointId: row.bridge_point_id };
}

/** Whether two actors of the same session differ in anything rights or names depend on. */
export function actorChanged(a: Actor, b: Actor): boolean {
  return a.role !== b.role || a.displayName !== b.displayName || a.unitId !== b.unitId || a.bridgePointId !== b.bridgePointId;
}
