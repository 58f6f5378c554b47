/**
 * The floor of one meeting, in memory (the store holds the same, see floor-store.ts), and the
 * rules over it: who may send audio, the order of the queue, who "mute all" mutes. Pure functions,
 * unit-tested without a server.
 */
import type { FloorHolder, FloorSettings, FloorState, SpeakRequest } from '../../../common/protocol';

export interface ModerationEntry {
  displayName: string;
  hostMuted: boolean;
  removed: boolean;
}

export interface FloorModel {
  meetingId: string;
  chairId: string;
  secretaryId: string;
  createdBy: string;
  settings: FloorSettings;
  hostPointName: string;
  holder: FloorHolder | null;
  /** Waiting requests (kept in queue order). */
  queue: SpeakRequest[];
  moderation: Map<string, ModerationEntry>;
  /** The bridge point each account that joined is (operators), learnt at join. */
  pointOf: Map<string, string | null>;
}

/** Who is asking to send audio. */
export interface Speaker {
  accountId: string;
  bridgePointId: string | null;
}

export const DEFAULT_SETTINGS: FloorSettings = { controlled: false, limitSeconds: 180, warningSeconds: 30, hostPointId: null, locked: false };

export function isOrganiser(model: FloorModel, accountId: string): boolean {
  return accountId === model.chairId || accountId === model.secretaryId || accountId === model.createdBy;
}

/** The chair's own connection and the meeting's host point (điểm cầu chủ trì) may always speak under floor control. */
export function isHost(model: FloorModel, who: Speaker): boolean {
  return who.accountId === model.chairId || (model.settings.hostPointId !== null && who.bridgePointId === model.settings.hostPointId);
}

/**
 * The audio gate: a participant the host muted may not send audio (whoever they are, until
 * allowed); in controlled mode only the chair, the host point and the floor holder may.
 */
export function mayUseAudio(model: FloorModel, who: Speaker): boolean {
  if (model.moderation.get(who.accountId)?.hostMuted) return false;
  if (!model.settings.controlled) return true;
  return isHost(model, who) || model.holder?.accountId === who.accountId;
}

/** Queue order: first asked, first served; the id breaks ties of the same instant. */
export function compareRequests(a: SpeakRequest, b: SpeakRequest): number {
  return a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function enqueue(queue: SpeakRequest[], request: SpeakRequest): SpeakRequest[] {
  return [...queue, request].sort(compareRequests);
}

/** Who "mute all" mutes: every participant but organisers, the host point, the floor holder and the one asking. */
export function muteAllTargets(model: FloorModel, present: Speaker[], actorId: string): string[] {
  const out = new Set<string>();
  for (const who of present) {
    if (who.accountId === actorId || isOrganiser(model, who.accountId) || isHost(model, who)) continue;
    if (model.holder?.accountId === who.accountId) continue;
    out.add(who.accountId);
  }
  return [...out];
}

export function snapshot(model: FloorModel, now = new Date()): FloorState {
  const hostMuted: string[] = [];
  const removed: { accountId: string; displayName: string }[] = [];
  for (const [accountId, m] of model.moderation) {
    if (m.hostMuted) hostMuted.push(accountId);
    if (m.removed) removed.push({ accountId, displayName: m.displayName });
  }
  return {
    ...model.settings,
    hostPointName: model.hostPointName,
    chairId: model.chairId,
    organiserIds: [...new Set([model.chairId, model.secretaryId, model.createdBy])],
    holder: model.holder,
    queue: model.queue,
    hostMuted,
    removed,
    serverNow: now.toISOString(),
  };
}
