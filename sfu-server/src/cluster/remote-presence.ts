/**
 * Who is in a meeting on the other servers (issue 16, wiring step 2): per meeting, per server, the
 * participants that server announced (`presence` and `presence.snapshot` events). Pure bookkeeping:
 * each change says what appeared and what went, so the caller tells its own peers.
 */
import type { PresencePeer } from './meeting-events';

export interface RemotePeer extends PresencePeer {
  /** The server carrying this participant. */
  server: string;
}

export interface PresenceDiff {
  joined: RemotePeer[];
  left: RemotePeer[];
  /** Still there, only their producers changed (a snapshot, `media.producers`): the roster shows them again. */
  updated?: RemotePeer[];
}

const none = (): PresenceDiff => ({ joined: [], left: [] });
/** Who a participant is, without its producers (those change without it leaving and coming back). */
const same = (a: RemotePeer, b: RemotePeer): boolean => JSON.stringify({ ...a, producers: undefined }) === JSON.stringify({ ...b, producers: undefined });
const sameProducers = (a: RemotePeer, b: RemotePeer): boolean => JSON.stringify(a.producers ?? []) === JSON.stringify(b.producers ?? []);

export class RemotePresence {
  /** meeting → server → peerId → peer */
  readonly #meetings = new Map<string, Map<string, Map<string, RemotePeer>>>();

  /** The participants of a meeting on the other servers. */
  peers(meetingId: string): RemotePeer[] {
    const servers = this.#meetings.get(meetingId);
    if (!servers) return [];
    const out: RemotePeer[] = [];
    for (const peers of servers.values()) out.push(...peers.values());
    return out;
  }

  /** Whether anything of that server is known in that meeting (a snapshot, even an empty one). */
  knows(meetingId: string, server: string): boolean {
    return this.#meetings.get(meetingId)?.has(server) ?? false;
  }

  /** Every server something is known of, in any meeting. */
  servers(): Set<string> {
    const out = new Set<string>();
    for (const servers of this.#meetings.values()) for (const s of servers.keys()) out.add(s);
    return out;
  }

  #of(meetingId: string, server: string): Map<string, RemotePeer> {
    let servers = this.#meetings.get(meetingId);
    if (!servers) this.#meetings.set(meetingId, (servers = new Map()));
    let peers = servers.get(server);
    if (!peers) servers.set(server, (peers = new Map()));
    return peers;
  }

  joined(meetingId: string, server: string, peer: PresencePeer): PresenceDiff {
    const peers = this.#of(meetingId, server);
    const diff = none();
    const old = peers.get(peer.peerId);
    const entry = { ...peer, server };
    // Already known as it is (a join heard both in a snapshot and as an event): nothing changes.
    if (old && same(old, entry)) {
      peers.set(peer.peerId, entry);
      if (!sameProducers(old, entry)) diff.updated = [entry];
      return diff;
    }
    if (old) diff.left.push(old);
    peers.set(peer.peerId, entry);
    diff.joined.push(entry);
    return diff;
  }

  left(meetingId: string, server: string, peerId: string): PresenceDiff {
    const peers = this.#meetings.get(meetingId)?.get(server);
    const old = peers?.get(peerId);
    if (!peers || !old) return none();
    peers.delete(peerId);
    return { joined: [], left: [old] };
  }

  /** Replaces all that server announced in the meeting (a snapshot): what went and what came. */
  snapshot(meetingId: string, server: string, list: readonly PresencePeer[]): PresenceDiff {
    const peers = this.#of(meetingId, server);
    const diff = none();
    const next = new Map(list.map((p) => [p.peerId, { ...p, server }]));
    const updated: RemotePeer[] = [];
    for (const [id, old] of peers) {
      const now = next.get(id);
      if (!now || !same(now, old)) diff.left.push(old);
      else if (!sameProducers(now, old)) updated.push(now);
    }
    for (const [id, now] of next) {
      const old = peers.get(id);
      if (!old || !same(now, old)) diff.joined.push(now);
    }
    if (updated.length) diff.updated = updated;
    this.#meetings.get(meetingId)!.set(server, next);
    return diff;
  }

  /** A participant's producers changed (`media.producers`); nothing if it is not known here. */
  setProducers(meetingId: string, server: string, peerId: string, producers: RemotePeer['producers']): PresenceDiff {
    const peers = this.#meetings.get(meetingId)?.get(server);
    const old = peers?.get(peerId);
    if (!peers || !old) return none();
    const entry = { ...old, producers };
    peers.set(peerId, entry);
    return sameProducers(old, entry) ? none() : { joined: [], left: [], updated: [entry] };
  }

  /** A server is gone (its liveness lease lapsed): every participant it carried, per meeting. */
  dropServer(server: string): Map<string, RemotePeer[]> {
    const out = new Map<string, RemotePeer[]>();
    for (const [meetingId, servers] of this.#meetings) {
      const peers = servers.get(server);
      if (!peers) continue;
      servers.delete(server);
      if (peers.size) out.set(meetingId, [...peers.values()]);
      if (!servers.size) this.#meetings.delete(meetingId);
    }
    return out;
  }

  /** This server no longer hears the meeting (its last local peer left): forget the others there. */
  forgetMeeting(meetingId: string): void {
    this.#meetings.delete(meetingId);
  }
}
