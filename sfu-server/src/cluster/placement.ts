/**
 * Which server carries a client's signaling and media (issue 16, step 6): one pure decision,
 * made by whichever server answers `GET /api/meetings/:id/placement` (every server serves the
 * whole HTTP API behind the one public address), from the `cluster_servers` registry.
 *
 * The rules, in order, and why:
 * 1. **Only servers that can take the client**: alive (its `server:<id>` liveness lease is live by
 *    the database's clock AND its registry heartbeat is recent — a SIGKILLed server's lease stays
 *    live up to its TTL, its heartbeat stops at once), not draining, and with a public signaling
 *    URL. None → no placement: the client uses the address it already knows (one server).
 * 2. **Not the server the client just lost** (`avoid`), unless it is the only one left: a client
 *    whose WebSocket dropped asks again at once, within the dead server's lease TTL, when the
 *    registry may still count it alive. The hint only ever removes a candidate, so a hostile value
 *    can do nothing but move its own sender.
 * 3. **The client's network**: servers whose configured client networks (`CLUSTER_NETWORKS`, CIDRs)
 *    contain the client's address, if any of them is under the capacity: a district's points use
 *    the server nearest to them. Media between servers costs only the streams watched across
 *    them (PipeTransports), a far client costs every packet it sends and receives.
 * 4. **Affinity of the meeting**: among those, a server already carrying participants of the
 *    meeting and under the capacity, the one carrying most of them (then the least loaded): one
 *    meeting on fewer servers means fewer pipes and less traffic between servers.
 * 5. **Load**: otherwise the least loaded server under the capacity (participants, then id, so
 *    that every server answering the same question gives the same answer).
 * 6. **Everyone over the capacity**: the least loaded all the same; a join is never refused for load.
 *
 * `participants` is the server's last heartbeat (every second) plus the clients placed on it by
 * this server after that heartbeat was written (`RecentPlacements`), so a burst of joins does not
 * all land on the server that looked emptiest a second ago, and a client already counted by the
 * heartbeat is not counted twice (one placed just before a heartbeat and not yet joined is missed
 * until the next one: at most a second).
 */
import { BlockList, isIP } from 'node:net';

export interface PlacementCandidate {
  id: string;
  /** Where clients reach its signaling (wss://…/ws), from CLUSTER_PUBLIC_URL; null: not placeable. */
  publicUrl: string | null;
  /** Liveness lease live and heartbeat recent. */
  alive: boolean;
  draining: boolean;
  /** Participants it carries (all meetings). */
  participants: number;
  /** Participants of the meeting asked about that it carries. */
  meetingParticipants: number;
  /** Client networks it is near (CIDRs). */
  networks: readonly string[];
}

export interface PlacementAsk {
  /** The client's address as the HTTP server sees it (behind a trusted proxy: X-Forwarded-For). */
  clientIp: string | null;
  /** The server the client just lost (its last placement), if any. */
  avoid?: string | undefined;
  /** Participants a server takes before placement prefers another (CLUSTER_SERVER_CAPACITY). */
  capacity: number;
}

export type PlacementReason = 'network' | 'meeting' | 'load' | 'overloaded';

export interface Placement {
  serverId: string;
  signalingUrl: string;
  reason: PlacementReason;
}

/** Whether `ip` lies in one of `cidrs` (IPv4 or IPv6; an IPv4-mapped IPv6 address counts as IPv4). */
export function inNetworks(ip: string | null, cidrs: readonly string[]): boolean {
  if (!ip || cidrs.length === 0) return false;
  const addr = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(addr);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    const f = isIP(net ?? '');
    if (f === 0 || bits === undefined) continue;
    list.addSubnet(net!, Number(bits), f === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

const byLoad = (a: PlacementCandidate, b: PlacementCandidate) => a.participants - b.participants || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function choosePlacement(candidates: readonly PlacementCandidate[], ask: PlacementAsk): Placement | null {
  let usable = candidates.filter((c) => c.alive && !c.draining && c.publicUrl);
  if (usable.length === 0) return null;
  if (ask.avoid && usable.some((c) => c.id !== ask.avoid)) usable = usable.filter((c) => c.id !== ask.avoid);
  const under = (c: PlacementCandidate) => c.participants < ask.capacity;
  const place = (c: PlacementCandidate, reason: PlacementReason): Placement => ({ serverId: c.id, signalingUrl: c.publicUrl!, reason });

  const near = usable.filter((c) => under(c) && inNetworks(ask.clientIp, c.networks));
  const pool = near.length > 0 ? near : usable;
  const carrying = pool.filter((c) => under(c) && c.meetingParticipants > 0).sort((a, b) => b.meetingParticipants - a.meetingParticipants || byLoad(a, b));
  if (carrying[0]) return place(carrying[0], near.length > 0 ? 'network' : 'meeting');
  const light = pool.filter(under).sort(byLoad);
  if (light[0]) return place(light[0], near.length > 0 ? 'network' : 'load');
  return place([...usable].sort(byLoad)[0]!, 'overloaded');
}

/**
 * Clients this server placed recently, counted on top of a server's heartbeat when placed after it
 * (kept `windowMs`, a few heartbeats).
 */
export class RecentPlacements {
  readonly #items: { serverId: string; meetingId: string; at: number }[] = [];

  constructor(readonly windowMs: number) {}

  add(serverId: string, meetingId: string, now = Date.now()): void {
    this.#prune(now);
    this.#items.push({ serverId, meetingId, at: now });
  }

  /** [all placements on that server, those of this meeting] made after `since` (its last heartbeat), within the window. */
  count(serverId: string, meetingId: string, since: number, now = Date.now()): [number, number] {
    this.#prune(now);
    let all = 0;
    let meeting = 0;
    for (const p of this.#items) {
      if (p.serverId !== serverId || p.at <= since) continue;
      all++;
      if (p.meetingId === meetingId) meeting++;
    }
    return [all, meeting];
  }

  #prune(now: number): void {
    while (this.#items.length > 0 && now - this.#items[0]!.at > this.windowMs) this.#items.shift();
  }
}
