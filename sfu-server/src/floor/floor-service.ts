/**
 * The floor and moderation of every live meeting: the speaker queue, who holds the floor and
 * since when, controlled mode, host mutes, removals and the lock. State lives in the store and in
 * memory (one model per meeting, loaded on first use); every change is stored first, then applied
 * to the microphones (room.forceMic) and pushed to the room (`floor.changed`).
 * The audio gate (rooms.setAudioGate) and the join guard (rooms.addJoinGuard) read it.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/policy';
import { AppError, notFound } from '../errors';
import type { Peer } from '../media/peer';
import type { Room } from '../media/room';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import { enqueue, isHost, isOrganiser, mayUseAudio, muteAllTargets, snapshot, type FloorModel, type ModerationEntry, type Speaker } from './floor-model';
import { endRequest, finishSpeaking, loadFloor, pointName, saveModeration, saveRoomState, startTurn } from './floor-store';
import { Serial } from './serial';

/** Close code for a participant removed by the host: the client does not reconnect. */
export const REMOVED_CLOSE_CODE = 4005;

export interface FloorServiceOptions {
  db: Db;
  rooms: Rooms;
  logger: Logger;
  /** Whether this account was in the meeting a moment ago (a reconnect is let in while locked). */
  recentlyPresent: (meetingId: string, accountId: string) => Promise<boolean>;
}

/**
 * Several servers (cluster/floor-bridge.ts): a change is made by the server that received the
 * request, with the meeting locked across servers and the model read again from the store; the
 * others are told after it and read it back (`applyRemote`).
 */
export interface FloorCluster {
  /** Runs one change with the meeting's floor locked across servers. */
  exclusive<T>(meetingId: string, change: () => Promise<T>): Promise<T>;
  /** A participant of that account carried by another server. */
  remotePeer(meetingId: string, accountId: string): { displayName: string; pointName: string } | undefined;
  /** Everyone carried by the other servers in the meeting. */
  remotePeers(meetingId: string): { accountId: string; displayName: string }[];
  /** A change was stored (or tried): the other servers read it back. */
  changed(meetingId: string): void;
  /** The host asked an account carried by another server to unmute. */
  unmuteAsked(meetingId: string, accountId: string, by: string): void;
}

export class FloorService {
  readonly #o: FloorServiceOptions;
  readonly #loading = new Map<string, Promise<FloorModel>>();
  readonly #models = new Map<string, FloorModel>();
  readonly #serial = new Serial();
  /** Set when this server is one of several. */
  cluster: FloorCluster | undefined;

  constructor(options: FloorServiceOptions) {
    this.#o = options;
    options.rooms.setAudioGate((room, peer) => this.mayUseAudio(room, peer));
    options.rooms.addJoinGuard((meetingId, actor) => this.checkJoin(meetingId, actor));
  }

  /** The meeting's model, loaded from the store once. */
  model(meetingId: string): Promise<FloorModel> {
    let loading = this.#loading.get(meetingId);
    if (!loading) {
      loading = loadFloor(this.#o.db, meetingId).then((m) => {
        this.#models.set(meetingId, m);
        return m;
      });
      loading.catch(() => this.#loading.delete(meetingId));
      this.#loading.set(meetingId, loading);
    }
    return loading;
  }

  /** Reads the meeting's model from the store again (another server changed it); what joins taught stays. */
  async #reload(meetingId: string): Promise<FloorModel> {
    const old = this.#models.get(meetingId);
    const fresh = await loadFloor(this.#o.db, meetingId);
    if (old) for (const [accountId, point] of old.pointOf) fresh.pointOf.set(accountId, point);
    this.#models.set(meetingId, fresh);
    this.#loading.set(meetingId, Promise.resolve(fresh));
    return fresh;
  }

  /**
   * Another server changed the floor or moderation (or events may have been missed): the model is
   * read back, this server's microphones follow it (the new speaker on, whom it does not allow off,
   * removed participants out), and its peers get `floor.changed`.
   */
  async applyRemote(meetingId: string): Promise<void> {
    await this.#serial.run(meetingId, async () => {
      if (!this.#loading.has(meetingId) && !this.#o.rooms.find(meetingId)) return;
      const before = this.#models.get(meetingId);
      const previous = before?.holder ?? null;
      const model = await this.#reload(meetingId);
      const room = this.#o.rooms.find(meetingId);
      if (!room) return;
      // Microphones follow a change seen here (not a first load: nothing is known to have changed).
      const holderChanged = before !== undefined && (previous?.accountId !== model.holder?.accountId || previous?.startedAt !== model.holder?.startedAt);
      // As `take` (nobody holds it now: always off) and `give` (off unless the rules allow) do.
      if (previous && previous.accountId !== model.holder?.accountId) await this.#muteUnlessAllowed(model, room, previous.accountId, model.holder === null);
      for (const p of [...room.peers.values()]) {
        const accountId = p.identity.accountId;
        if (model.moderation.get(accountId)?.removed) {
          p.disconnect(REMOVED_CLOSE_CODE, 'removed by the host');
          continue;
        }
        if (holderChanged && model.holder?.accountId === accountId) await room.forceMic(p, false);
        else if (!mayUseAudio(model, this.#speaker(model, p)) && micOn(p)) await room.forceMic(p, true);
      }
      this.#o.rooms.broadcast(meetingId, 'floor.changed', snapshot(model));
    });
  }

  /** The target of a host action: this server's peers of that account, else its name from another server. */
  #target(meetingId: string, room: Room | undefined, accountId: string): { peers: Peer[]; displayName: string; pointName: string } | null {
    const peers = room ? peersOf(room, accountId) : [];
    if (peers[0]) return { peers, displayName: peers[0].identity.displayName, pointName: peers[0].identity.pointName };
    const remote = this.cluster?.remotePeer(meetingId, accountId);
    return remote ? { peers: [], displayName: remote.displayName, pointName: remote.pointName } : null;
  }

  /** Forgets a meeting (it ended): the store keeps everything. */
  forget(meetingId: string): void {
    this.#loading.delete(meetingId);
    this.#models.delete(meetingId);
  }

  /**
   * The meeting ended (or was cancelled): a speaking turn still open ends now, so the minutes say
   * until when the last speaker spoke; then the meeting's model leaves memory.
   */
  async meetingEnded(meetingId: string): Promise<void> {
    await this.#serial.run(meetingId, async () => {
      const model = await this.model(meetingId);
      if (model.holder) {
        await this.#o.db.transaction().execute(async (tx) => {
          await finishSpeaking(tx, meetingId);
          await saveRoomState(tx, { ...model, holder: null });
        });
        model.holder = null;
      }
      this.forget(meetingId);
    });
  }

  // ---- gates ----------------------------------------------------------------------------
  mayUseAudio(room: Room, peer: Peer): boolean {
    const model = this.#models.get(room.name);
    // The join guard loads the model before anyone is in the room; without it nothing is restricted.
    if (!model) return true;
    return mayUseAudio(model, this.#speaker(model, peer));
  }

  async checkJoin(meetingId: string, actor: Actor): Promise<void> {
    const model = await this.model(meetingId);
    model.pointOf.set(actor.accountId, actor.bridgePointId);
    if (model.moderation.get(actor.accountId)?.removed) {
      throw new AppError('removed_from_meeting', 'the host removed you from this meeting');
    }
    if (model.settings.locked && actor.role !== 'admin' && !isOrganiser(model, actor.accountId) && !(await this.#o.recentlyPresent(meetingId, actor.accountId))) {
      throw new AppError('meeting_locked', 'the meeting is locked: no new participants');
    }
  }

  // ---- state ----------------------------------------------------------------------------
  async state(meetingId: string) {
    return snapshot(await this.model(meetingId));
  }

  // ---- the speaker queue ----------------------------------------------------------------
  async request(meetingId: string, peer: Peer, topic: string): Promise<string> {
    return this.#change(meetingId, async (model) => {
      const me = peer.identity.accountId;
      if (model.queue.some((r) => r.accountId === me)) throw new AppError('conflict', 'you have already asked to speak');
      if (model.holder?.accountId === me) throw new AppError('conflict', 'you have the floor');
      const request = { id: randomUUID(), accountId: me, displayName: peer.identity.displayName, pointName: peer.identity.pointName, topic, requestedAt: new Date().toISOString() };
      await this.#o.db
        .insertInto('speak_requests')
        .values({ id: request.id, meeting_id: meetingId, account_id: me, display_name: request.displayName, point_name: request.pointName, topic, requested_at: request.requestedAt, status: 'waiting', ended_at: null })
        .execute();
      model.queue = enqueue(model.queue, request);
      return request.id;
    });
  }

  async withdraw(meetingId: string, accountId: string): Promise<void> {
    await this.#change(meetingId, async (model) => {
      const request = model.queue.find((r) => r.accountId === accountId);
      if (!request) throw new AppError('not_found', 'you have not asked to speak');
      await endRequest(this.#o.db, request.id, 'withdrawn');
      model.queue = model.queue.filter((r) => r !== request);
    });
  }

  /** Gives the floor to a participant in the room: the previous speaker is muted, this one unmuted. */
  async give(meetingId: string, actor: Actor, accountId: string): Promise<void> {
    await this.#change(meetingId, async (model, room) => {
      const target = this.#target(meetingId, room, accountId);
      if (!target) throw new AppError('not_found', 'that participant is not in the room');
      const peers = target.peers;
      const previous = model.holder;
      const request = model.queue.find((r) => r.accountId === accountId);
      const mod = model.moderation.get(accountId);
      const holder = { accountId, displayName: target.displayName, pointName: target.pointName, topic: request?.topic ?? '', startedAt: new Date().toISOString() };
      await this.#o.db.transaction().execute(async (tx) => {
        // The previous turn ends the instant this one starts (one clock for both).
        await finishSpeaking(tx, meetingId, holder.startedAt);
        if (request) await endRequest(tx, request.id, 'speaking');
        await startTurn(tx, meetingId, holder);
        if (mod?.hostMuted) await saveModeration(tx, meetingId, accountId, { ...mod, hostMuted: false });
        await saveRoomState(tx, { ...model, holder });
        await audit(tx, { actorId: actor.accountId, action: 'floor.give', targetType: 'meeting', targetId: meetingId, details: { accountId } });
      });
      model.holder = holder;
      if (request) model.queue = model.queue.filter((r) => r !== request);
      if (mod) mod.hostMuted = false;
      if (room && previous && previous.accountId !== accountId) await this.#muteUnlessAllowed(model, room, previous.accountId);
      for (const p of peers) await room!.forceMic(p, false);
    });
  }

  async take(meetingId: string, actor: Actor): Promise<void> {
    await this.#change(meetingId, async (model, room) => {
      const previous = model.holder;
      if (!previous) throw new AppError('conflict', 'nobody has the floor');
      await this.#o.db.transaction().execute(async (tx) => {
        await finishSpeaking(tx, meetingId);
        await saveRoomState(tx, { ...model, holder: null });
        await audit(tx, { actorId: actor.accountId, action: 'floor.take', targetType: 'meeting', targetId: meetingId, details: { accountId: previous.accountId } });
      });
      model.holder = null;
      if (room) await this.#muteUnlessAllowed(model, room, previous.accountId, true);
    });
  }

  async settings(meetingId: string, actor: Actor, patch: { controlled?: boolean | undefined; limitSeconds?: number | undefined; warningSeconds?: number | undefined; hostAccountId?: string | null | undefined }): Promise<void> {
    await this.#change(meetingId, async (model, room) => {
      const next = { ...model.settings };
      if (patch.controlled !== undefined) next.controlled = patch.controlled;
      if (patch.limitSeconds !== undefined) next.limitSeconds = patch.limitSeconds;
      if (patch.warningSeconds !== undefined) next.warningSeconds = patch.warningSeconds;
      if (next.limitSeconds > 0 && next.warningSeconds >= next.limitSeconds) throw new AppError('bad_request', 'the warning must come before the limit');
      let hostPointName = model.hostPointName;
      if (patch.hostAccountId !== undefined) {
        if (patch.hostAccountId === null) {
          next.hostPointId = null;
          hostPointName = '';
        } else {
          const account = await this.#o.db.selectFrom('accounts').select('bridge_point_id').where('id', '=', patch.hostAccountId).executeTakeFirst();
          if (!account) throw notFound('account');
          if (!account.bridge_point_id) throw new AppError('bad_request', 'the host must be a bridge point');
          next.hostPointId = account.bridge_point_id;
          hostPointName = await pointName(this.#o.db, account.bridge_point_id);
        }
      }
      await this.#o.db.transaction().execute(async (tx) => {
        await saveRoomState(tx, { ...model, settings: next });
        await audit(tx, { actorId: actor.accountId, action: 'floor.settings', targetType: 'meeting', targetId: meetingId, details: { ...patch } });
      });
      model.settings = next;
      model.hostPointName = hostPointName;
      // Switching controlled mode on (or moving the host point) mutes everyone it does not allow.
      if (room && next.controlled) {
        for (const p of room.peers.values()) if (!mayUseAudio(model, this.#speaker(model, p)) && micOn(p)) await room.forceMic(p, true);
      }
    });
  }

  // ---- moderation -----------------------------------------------------------------------
  async mute(meetingId: string, actor: Actor, accountId: string): Promise<void> {
    await this.#change(meetingId, async (model, room) => {
      if (accountId === model.chairId && actor.accountId !== model.chairId) throw new AppError('forbidden', 'the chair cannot be muted by others');
      const target = this.#target(meetingId, room, accountId);
      if (!target) throw new AppError('not_found', 'that participant is not in the room');
      await this.#setModeration(model, actor, accountId, target.displayName, { hostMuted: true }, 'moderation.mute');
      for (const p of target.peers) await room!.forceMic(p, true);
    });
  }

  async muteAll(meetingId: string, actor: Actor): Promise<number> {
    return this.#change(meetingId, async (model, room) => {
      const remote = this.cluster?.remotePeers(meetingId) ?? [];
      if (!room && !remote.length) return 0;
      const present = [...(room?.peers.values() ?? [])];
      const speakers = present.map((p) => this.#speaker(model, p));
      const names = new Map(present.map((p) => [p.identity.accountId, p.identity.displayName]));
      if (remote.length) {
        // Those on other servers: their bridge point (the host point keeps its microphone) from the store.
        const points = await this.#o.db.selectFrom('accounts').select(['id', 'bridge_point_id']).where('id', 'in', [...new Set(remote.map((r) => r.accountId))]).execute();
        for (const p of points) speakers.push({ accountId: p.id, bridgePointId: p.bridge_point_id });
        for (const r of remote) if (!names.has(r.accountId)) names.set(r.accountId, r.displayName);
      }
      const targets = muteAllTargets(model, speakers, actor.accountId);
      const now = new Date().toISOString();
      await this.#o.db.transaction().execute(async (tx) => {
        for (const accountId of targets) {
          const entry = { ...(model.moderation.get(accountId) ?? { removed: false }), displayName: names.get(accountId) ?? '', hostMuted: true };
          await saveModeration(tx, meetingId, accountId, entry);
        }
        await audit(tx, { actorId: actor.accountId, action: 'moderation.muteAll', targetType: 'meeting', targetId: meetingId, details: { count: targets.length, at: now } });
      });
      for (const accountId of targets) {
        model.moderation.set(accountId, { ...(model.moderation.get(accountId) ?? { removed: false }), displayName: names.get(accountId) ?? '', hostMuted: true });
      }
      const muted = new Set(targets);
      for (const p of present) if (muted.has(p.identity.accountId)) await room!.forceMic(p, true);
      return targets.length;
    });
  }

  /** Allows a host-muted participant again and asks them (a prompt) to turn their microphone on. */
  async askUnmute(meetingId: string, actor: Actor, accountId: string): Promise<void> {
    await this.#change(meetingId, async (model, room) => {
      const target = this.#target(meetingId, room, accountId);
      if (!target) throw new AppError('not_found', 'that participant is not in the room');
      const allowedAfter = mayUseAudio({ ...model, moderation: new Map() }, { accountId, bridgePointId: model.pointOf.get(accountId) ?? null });
      if (!allowedAfter) throw new AppError('conflict', 'controlled mode: give this participant the floor instead', { reason: 'controlled' });
      await this.#setModeration(model, actor, accountId, target.displayName, { hostMuted: false }, 'moderation.askUnmute');
      for (const p of target.peers) p.notify('moderation.unmuteAsked', { by: actor.displayName });
      if (!target.peers.length) this.cluster?.unmuteAsked(meetingId, accountId, actor.displayName);
    });
  }

  async remove(meetingId: string, actor: Actor, accountId: string): Promise<void> {
    await this.#change(meetingId, async (model, room) => {
      if (accountId === actor.accountId) throw new AppError('bad_request', 'you cannot remove yourself');
      if (isOrganiser(model, accountId)) throw new AppError('forbidden', 'an organiser of the meeting cannot be removed');
      const target = this.#target(meetingId, room, accountId);
      const peers = target?.peers ?? [];
      const known = model.moderation.get(accountId);
      const displayName = target?.displayName ?? known?.displayName;
      if (displayName === undefined) throw new AppError('not_found', 'that participant is not in the room');
      const request = model.queue.find((r) => r.accountId === accountId);
      const wasHolder = model.holder?.accountId === accountId;
      await this.#o.db.transaction().execute(async (tx) => {
        if (request) await endRequest(tx, request.id, 'withdrawn');
        if (wasHolder) {
          await finishSpeaking(tx, meetingId);
          await saveRoomState(tx, { ...model, holder: null });
        }
      });
      if (wasHolder) model.holder = null;
      if (request) model.queue = model.queue.filter((r) => r !== request);
      await this.#setModeration(model, actor, accountId, displayName, { removed: true }, 'moderation.remove');
      for (const p of peers) p.disconnect(REMOVED_CLOSE_CODE, 'removed by the host');
    });
  }

  async readmit(meetingId: string, actor: Actor, accountId: string): Promise<void> {
    await this.#change(meetingId, async (model) => {
      const known = model.moderation.get(accountId);
      if (!known?.removed) throw new AppError('not_found', 'that participant was not removed');
      await this.#setModeration(model, actor, accountId, known.displayName, { removed: false }, 'moderation.readmit');
    });
  }

  async lock(meetingId: string, actor: Actor, locked: boolean): Promise<void> {
    await this.#change(meetingId, async (model) => {
      await this.#o.db.transaction().execute(async (tx) => {
        await saveRoomState(tx, { ...model, settings: { ...model.settings, locked } });
        await audit(tx, { actorId: actor.accountId, action: locked ? 'moderation.lock' : 'moderation.unlock', targetType: 'meeting', targetId: meetingId });
      });
      model.settings = { ...model.settings, locked };
    });
  }

  /** Whether this peer may send audio; used by the UI state and tests. */
  speakerOf(meetingId: string, peer: Peer): Speaker | null {
    const model = this.#models.get(meetingId);
    return model ? this.#speaker(model, peer) : null;
  }

  // ---- helpers --------------------------------------------------------------------------
  #speaker(model: FloorModel, peer: Peer): Speaker {
    return { accountId: peer.identity.accountId, bridgePointId: model.pointOf.get(peer.identity.accountId) ?? null };
  }

  async #setModeration(model: FloorModel, actor: Actor, accountId: string, displayName: string, patch: Partial<ModerationEntry>, action: string): Promise<void> {
    const entry: ModerationEntry = { ...(model.moderation.get(accountId) ?? { hostMuted: false, removed: false }), displayName, ...patch };
    await this.#o.db.transaction().execute(async (tx) => {
      await saveModeration(tx, model.meetingId, accountId, entry);
      await audit(tx, { actorId: actor.accountId, action, targetType: 'meeting', targetId: model.meetingId, details: { accountId } });
    });
    model.moderation.set(accountId, entry);
  }

  /** After the floor is taken back: mute that account's microphones unless the rules let it speak anyway. */
  async #muteUnlessAllowed(model: FloorModel, room: Room, accountId: string, always = false): Promise<void> {
    for (const p of peersOf(room, accountId)) {
      const who = this.#speaker(model, p);
      // The chair and the host point keep their microphone when they gave themselves the floor.
      if (isHost(model, who) && !model.moderation.get(accountId)?.hostMuted) continue;
      if (always || !mayUseAudio(model, who)) await room.forceMic(p, true);
    }
  }

  /** One change of one meeting at a time; the room is told the new state afterwards. */
  async #change<T>(meetingId: string, apply: (model: FloorModel, room: Room | undefined) => Promise<T>): Promise<T> {
    const cluster = this.cluster;
    if (cluster) {
      // Several servers: one change of the meeting at a time across all of them, on the state as stored.
      return this.#serial.run(meetingId, () =>
        cluster.exclusive(meetingId, async () => {
          const model = await this.#reload(meetingId);
          const room = this.#o.rooms.find(meetingId);
          try {
            return await apply(model, room);
          } finally {
            this.#o.rooms.broadcast(meetingId, 'floor.changed', snapshot(model));
            cluster.changed(meetingId);
          }
        }),
      );
    }
    return this.#serial.run(meetingId, async () => {
      const model = await this.model(meetingId);
      const room = this.#o.rooms.find(meetingId);
      try {
        return await apply(model, room);
      } finally {
        this.#o.rooms.broadcast(meetingId, 'floor.changed', snapshot(model));
      }
    });
  }
}

function peersOf(room: Room, accountId: string): Peer[] {
  return [...room.peers.values()].filter((p) => p.identity.accountId === accountId);
}

function micOn(peer: Peer): boolean {
  for (const p of peer.producers.values()) if (p.appData.source === 'mic' && !p.paused) return true;
  return false;
}
