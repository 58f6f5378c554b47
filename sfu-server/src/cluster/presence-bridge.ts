/**
 * Presence across servers (issue 16, wiring steps 2 and 3 "presence"): which meetings this server
 * hears on the bus, and who is in them on the other servers.
 *
 * - The first local participant of a meeting makes this server join the meeting's channel; then it
 *   sends a `presence.snapshot` of its own participants with `reply`, and every other server
 *   carrying the meeting answers with its own snapshot. After that, `presence` joined/left events
 *   keep the picture current; the last local participant leaving makes it leave the channel.
 * - After a `resync` (Redis came back, or a sender's sequence jumped) the snapshot is sent again
 *   with `reply`, which replaces whatever was missed on both sides.
 * - A server whose `server:<id>` liveness lease lapsed (it died, or lost its database) is dropped:
 *   its participants leave the rosters here.
 * - Local peers are told as if the others were in the room (`peerJoined` / `peerLeft`, and
 *   `peerUpdated` when their producers change: `media.producers`), and the join answer lists them
 *   with their producers; media-bridge.ts pipes a producer in when a receiver here consumes it.
 */
import type { PeerInfo } from '../../../common/protocol/conference';
import type { Peer } from '../media/peer';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import { Serial } from '../floor/serial';
import type { Handler } from '../signaling/handlers';
import type { ConferenceContext } from '../media/conference-handlers';
import type { PresentPeer } from '../voting/eligibility';
import type { MeetingEventBus, ReceivedEvent } from './event-bus';
import { MAX_PEER_PRODUCERS, MAX_SNAPSHOT_PEERS, type PresencePeer, type RemoteProducer } from './meeting-events';
import { RemotePresence, type PresenceDiff, type RemotePeer } from './remote-presence';

export interface PresenceBridgeOptions {
  bus: MeetingEventBus;
  rooms: Rooms;
  /** Whether that server's liveness lease is live now. */
  alive: (serverId: string) => Promise<boolean>;
  /** How often the servers known here are checked for liveness (ms). */
  sweepEveryMs: number;
  logger: Logger;
}

/** A participant as the bus carries it. */
export function presenceOf(peer: Peer): PresencePeer {
  const i = peer.identity;
  return { peerId: peer.id, accountId: i.accountId, role: i.role, displayName: i.displayName, pointName: i.pointName, unitName: i.unitName, level: i.level, headcount: i.headcount, joinedAt: peer.joinedAt, producers: producersOf(peer) };
}

/** A peer's producers as the bus carries them (the others pipe them in on demand, media-bridge.ts). */
export function producersOf(peer: Peer): RemoteProducer[] {
  return peer.info().producers.slice(0, MAX_PEER_PRODUCERS);
}

/** A participant of another server, as the roster shows it (its producers are piped in when consumed here). */
export function peerInfoOf(p: PresencePeer): PeerInfo {
  return { id: p.peerId, accountId: p.accountId, role: p.role, displayName: p.displayName, pointName: p.pointName, unitName: p.unitName ?? '', level: p.level ?? null, headcount: p.headcount ?? null, joinedAt: p.joinedAt ?? 0, producers: p.producers ?? [] };
}

const noNotify = () => undefined;

export class PresenceBridge {
  readonly remote = new RemotePresence();
  readonly #o: PresenceBridgeOptions;
  /** Per meeting: join/leave of the channel and this server's announcements stay in order. */
  readonly #serial = new Serial();
  readonly #sweep: NodeJS.Timeout;
  #sweeping = false;
  readonly #diffListeners = new Set<(meetingId: string, diff: PresenceDiff) => void>();
  readonly #dropListeners = new Set<(server: string, meetingIds: string[]) => void>();

  constructor(options: PresenceBridgeOptions) {
    this.#o = options;
    options.rooms.events.on('peerJoined', (room, peer) => this.#local(room.name, () => this.#joined(room.name, peer)));
    options.rooms.events.on('peerLeft', (room, peer) => this.#local(room.name, () => this.#left(room.name, peer)));
    // A local peer's producers changed: the others learn it in order with its presence.
    options.rooms.events.on('peerUpdated', (room, peer) => this.#local(room.name, () => this.#producersChanged(room.name, peer)));
    options.bus.onEvent((e) => this.#received(e));
    // (Only the meetings with a room here: shared documents have channels of their own.)
    options.bus.onResync((meetingId) => {
      if (options.rooms.find(meetingId)) this.#local(meetingId, () => this.#announce(meetingId, true));
    });
    this.#sweep = setInterval(() => void this.sweep(), options.sweepEveryMs);
    this.#sweep.unref?.();
  }

  /** The server stops: the others are told at once that nobody is here any more. */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    for (const meetingId of [...this.#o.bus.joined]) {
      await this.#o.bus.publish(meetingId, { type: 'presence.snapshot', reply: false, peers: [] }).catch(() => undefined);
    }
  }

  /** Told whenever participants on other servers come or go (attendance follows them). */
  onDiff(listener: (meetingId: string, diff: PresenceDiff) => void): void {
    this.#diffListeners.add(listener);
  }

  /** Told when a server is dropped because its liveness lease lapsed, with the meetings it carried participants of. */
  onServerDropped(listener: (server: string, meetingIds: string[]) => void): void {
    this.#dropListeners.add(listener);
  }

  /** The participants on other servers, for those asking who is here (votes, chat): they are told by their own server. */
  presentPeers(meetingId: string): PresentPeer[] {
    return this.remote.peers(meetingId).map((p) => ({ accountId: p.accountId, role: p.role, displayName: p.displayName, pointName: p.pointName, notify: noNotify }));
  }

  /** A participant of that account on another server, if any. */
  remotePeer(meetingId: string, accountId: string): RemotePeer | undefined {
    return this.remote.peers(meetingId).find((p) => p.accountId === accountId);
  }

  /** The conference's `join`, answering with the participants on the other servers too. */
  wrapJoin(join: Handler<ConferenceContext, 'join'>): Handler<ConferenceContext, 'join'> {
    return async (ctx, data) => {
      const answer = await join(ctx, data);
      const others = this.remote.peers(data.meetingId).filter((p) => p.accountId !== answer.self.accountId).map(peerInfoOf);
      return { ...answer, peers: [...answer.peers, ...others] };
    };
  }

  #local(meetingId: string, task: () => Promise<void>): void {
    void this.#serial.run(meetingId, task).catch((err: unknown) => this.#o.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster presence: not announced (the others catch up at the next snapshot)'));
  }

  #localPeers(meetingId: string): Peer[] {
    return [...(this.#o.rooms.find(meetingId)?.peers.values() ?? [])];
  }

  async #joined(meetingId: string, peer: Peer): Promise<void> {
    const { bus } = this.#o;
    if (!bus.joined.has(meetingId)) {
      await bus.join(meetingId);
      await this.#announce(meetingId, true);
      return;
    }
    await bus.publish(meetingId, { type: 'presence', change: 'joined', ...presenceOf(peer) });
  }

  async #left(meetingId: string, peer: Peer): Promise<void> {
    const { bus } = this.#o;
    if (!bus.joined.has(meetingId)) return;
    await bus.publish(meetingId, { type: 'presence', change: 'left', ...presenceOf(peer) });
    if (this.#localPeers(meetingId).length === 0) {
      await bus.leave(meetingId);
      // Those on the other servers are no longer followed here: they leave what followed them.
      this.#tell(meetingId, { joined: [], left: this.remote.peers(meetingId) });
      this.remote.forgetMeeting(meetingId);
    }
  }

  async #producersChanged(meetingId: string, peer: Peer): Promise<void> {
    const { bus, rooms } = this.#o;
    // Not announced yet (its join is): the snapshot or `presence` joined carries its producers.
    if (!bus.joined.has(meetingId) || rooms.find(meetingId)?.peers.get(peer.id) !== peer) return;
    await bus.publish(meetingId, { type: 'media.producers', peerId: peer.id, producers: producersOf(peer) });
  }

  async #announce(meetingId: string, reply: boolean): Promise<void> {
    const peers = this.#localPeers(meetingId).map(presenceOf);
    if (peers.length > MAX_SNAPSHOT_PEERS) this.#o.logger.error({ meetingId, peers: peers.length }, `cluster presence: only the first ${MAX_SNAPSHOT_PEERS} participants go into a snapshot`);
    await this.#o.bus.publish(meetingId, { type: 'presence.snapshot', reply, peers: peers.slice(0, MAX_SNAPSHOT_PEERS) });
  }

  #received({ meetingId, server, event }: ReceivedEvent): void {
    let diff: PresenceDiff;
    if (event.type === 'presence') {
      const { type: _t, change, ...peer } = event;
      diff = change === 'joined' ? this.remote.joined(meetingId, server, peer) : this.remote.left(meetingId, server, peer.peerId);
    } else if (event.type === 'presence.snapshot') {
      diff = this.remote.snapshot(meetingId, server, event.peers);
      if (event.reply) this.#local(meetingId, () => (this.#o.bus.joined.has(meetingId) ? this.#announce(meetingId, false) : Promise.resolve()));
    } else if (event.type === 'media.producers') {
      diff = this.remote.setProducers(meetingId, server, event.peerId, event.producers);
    } else return;
    this.#tell(meetingId, diff);
  }

  /** Local peers see the others come and go as if they were in the room. */
  #tell(meetingId: string, diff: PresenceDiff): void {
    const { rooms } = this.#o;
    for (const p of diff.left) rooms.broadcast(meetingId, 'peerLeft', { peerId: p.peerId });
    for (const p of diff.joined) rooms.broadcast(meetingId, 'peerJoined', { peer: peerInfoOf(p) });
    for (const p of diff.updated ?? []) rooms.broadcast(meetingId, 'peerUpdated', { peer: peerInfoOf(p) });
    for (const listener of this.#diffListeners) listener(meetingId, diff);
  }

  /** Drops the participants of every server known here whose liveness lease lapsed. */
  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      for (const server of this.remote.servers()) {
        let alive = true;
        try {
          alive = await this.#o.alive(server);
        } catch (err) {
          // The database is away: nobody is judged dead on a failed read.
          this.#o.logger.warn({ err: { message: (err as Error).message }, server }, 'cluster presence: liveness not read');
          continue;
        }
        if (alive) continue;
        const gone = this.remote.dropServer(server);
        this.#o.logger.warn({ server, meetings: gone.size }, 'cluster presence: a server’s liveness lease lapsed; its participants are dropped');
        for (const [meetingId, peers] of gone) this.#tell(meetingId, { joined: [], left: peers });
        for (const listener of this.#dropListeners) listener(server, [...gone.keys()]);
      }
    } finally {
      this.#sweeping = false;
    }
  }
}
