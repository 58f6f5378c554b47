/**
 * One meeting's attendance in memory, and how it reads: rows per invited bridge point, per invited
 * delegate, per other participant, and the quorum. Pure functions over the model.
 */
import type { AttendanceState, DelegateAttendance, PointAttendance, MeetingQuorumRule } from '../../../common/protocol';
import { computeQuorum } from './quorum';

/** One account's presence in the meeting. */
export interface PresenceRecord {
  accountId: string;
  displayName: string;
  role: string;
  bridgePointId: string | null;
  firstJoinedAt: string | null;
  lastLeftAt: string | null;
  /** Set while connected (the start of the current presence). */
  onlineSince: string | null;
  /** Seconds of the closed presences. */
  totalSeconds: number;
  markedPresent: boolean;
  markedAtPointId: string | null;
  /** Connections in the room now (the same account may briefly have two while it rejoins). */
  live: number;
  /** Several servers: the server carrying the open presence (stored as `server_id`; absent on one server). */
  server?: string | null;
}

export interface AttendanceModel {
  meetingId: string;
  organisers: Set<string>;
  points: Map<string, { name: string; unitName: string; headcount: number }>;
  /** Invited delegates: account → name. */
  delegates: Map<string, string>;
  records: Map<string, PresenceRecord>;
  rollCalls: Map<string, { presentCount: number; takenAt: string }>;
  rule: MeetingQuorumRule;
}

export function emptyRecord(accountId: string, displayName: string, role: string, bridgePointId: string | null): PresenceRecord {
  return { accountId, displayName, role, bridgePointId, firstJoinedAt: null, lastLeftAt: null, onlineSince: null, totalSeconds: 0, markedPresent: false, markedAtPointId: null, live: 0 };
}

const seconds = (fromIso: string, to: Date) => Math.max(0, Math.round((to.getTime() - Date.parse(fromIso)) / 1000));

/** Total time connected, counting the current presence up to `now`. */
export function totalSeconds(r: PresenceRecord, now: Date): number {
  return r.totalSeconds + (r.onlineSince ? seconds(r.onlineSince, now) : 0);
}

/** A connection opened: the presence starts (if it was not already running). */
export function joined(r: PresenceRecord, now: Date): void {
  r.live++;
  if (r.onlineSince) return;
  const iso = now.toISOString();
  r.onlineSince = iso;
  r.firstJoinedAt ??= iso;
}

/** A connection closed: the presence ends when it was the last one. */
export function left(r: PresenceRecord, now: Date): void {
  r.live = Math.max(0, r.live - 1);
  if (r.live > 0 || !r.onlineSince) return;
  r.totalSeconds += seconds(r.onlineSince, now);
  r.onlineSince = null;
  r.lastLeftAt = now.toISOString();
}

function presenceOf(records: PresenceRecord[], now: Date) {
  const firsts = records.map((r) => r.firstJoinedAt).filter((x): x is string => x !== null).sort();
  const lasts = records.map((r) => r.lastLeftAt).filter((x): x is string => x !== null).sort();
  return {
    online: records.some((r) => r.onlineSince !== null),
    firstJoinedAt: firsts[0] ?? null,
    lastLeftAt: lasts.at(-1) ?? null,
    totalSeconds: records.reduce((sum, r) => sum + totalSeconds(r, now), 0),
  };
}

export function pointRow(model: AttendanceModel, bridgePointId: string, now: Date): PointAttendance {
  const p = model.points.get(bridgePointId) ?? { name: '', unitName: '', headcount: 0 };
  const records = [...model.records.values()].filter((r) => r.bridgePointId === bridgePointId);
  return { bridgePointId, ...p, ...presenceOf(records, now), rollCall: model.rollCalls.get(bridgePointId) ?? null };
}

export function delegateRow(model: AttendanceModel, accountId: string, now: Date): DelegateAttendance {
  const r = model.records.get(accountId);
  const presence = presenceOf(r ? [r] : [], now);
  return {
    accountId,
    displayName: model.delegates.get(accountId) ?? r?.displayName ?? '',
    ...presence,
    markedAtPointId: r?.markedPresent ? r.markedAtPointId : null,
    present: presence.online || (r?.markedPresent ?? false),
  };
}

export function otherRow(model: AttendanceModel, accountId: string, now: Date): AttendanceState['others'][number] {
  return { ...delegateRow(model, accountId, now), role: model.records.get(accountId)?.role ?? '' };
}

/** Accounts that joined but are neither invited delegates nor bridge points. */
export function otherIds(model: AttendanceModel): string[] {
  return [...model.records.values()].filter((r) => !model.delegates.has(r.accountId) && !r.bridgePointId && r.firstJoinedAt).map((r) => r.accountId);
}

/** Accounts present now: connected, or marked present (delegates without a device). */
export function presentIds(model: AttendanceModel): Set<string> {
  const ids = new Set<string>();
  for (const r of model.records.values()) if (r.onlineSince !== null || r.markedPresent) ids.add(r.accountId);
  return ids;
}

export function quorumOf(model: AttendanceModel, now: Date) {
  let delegatesPresent = 0;
  for (const id of model.delegates.keys()) if (delegateRow(model, id, now).present) delegatesPresent++;
  const onlinePoints = new Set<string>();
  for (const r of model.records.values()) if (r.bridgePointId && r.onlineSince && model.points.has(r.bridgePointId)) onlinePoints.add(r.bridgePointId);
  return computeQuorum(model.rule, { delegatesInvited: model.delegates.size, delegatesPresent, pointsInvited: model.points.size, pointsPresent: onlinePoints.size });
}

export function buildAttendance(model: AttendanceModel, now = new Date()): AttendanceState {
  return {
    points: [...model.points.keys()].map((id) => pointRow(model, id, now)).sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    delegates: [...model.delegates.keys()].map((id) => delegateRow(model, id, now)).sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi')),
    others: otherIds(model).map((id) => otherRow(model, id, now)),
    quorum: quorumOf(model, now),
    at: now.toISOString(),
  };
}
