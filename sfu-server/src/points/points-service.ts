/**
 * The roll call of bridge points: every point invited to a meeting, whether it is in the room, and
 * (for organisers) whether its picture and sound reach the server. Invitations cannot change once a
 * meeting is live, so they are cached briefly; producer statistics are read from the workers at most
 * once per HEALTH_TTL_MS per room, however many panels ask.
 */
import type { ResponseData } from '../../../common/protocol';
import { canOnMeeting, type Actor } from '../auth/policy';
import type { Peer } from '../media/peer';
import type { Room } from '../media/room';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Db } from '../store/database';
import type { LinkMonitor } from './link-monitor';
import { countPoints, pictureOf, soundOf, sortPoints, type ProducerSnapshot } from './point-health';

const INVITED_TTL_MS = 30_000;
export const HEALTH_TTL_MS = 1_500;

interface InvitedPoint {
  pointId: string;
  name: string;
  unitName: string;
  level: string | null;
  headcount: number;
}

interface Invited {
  points: InvitedPoint[];
  /** Operator account → its bridge point. */
  pointOfAccount: Map<string, string>;
}

type Health = Map<string, ProducerSnapshot[]>;

export class PointsService {
  readonly #invited = new Map<string, Promise<Invited>>();
  readonly #health = new WeakMap<Room, { at: number; health: Promise<Health> }>();

  constructor(
    private readonly db: Db,
    private readonly meetings: MeetingsService,
    private readonly now: () => number = Date.now,
    private readonly links: LinkMonitor | null = null,
    /** Several servers: the participants of a meeting carried by the other servers (connected, no health read here). */
    private readonly remote: ((meetingId: string) => { accountId: string; peerId: string }[]) | null = null,
  ) {}

  async status(actor: Actor, room: Room): Promise<ResponseData<'points.status'>> {
    const facts = await this.meetings.authorize(actor, room.name, 'meeting.view');
    const diagnostics = canOnMeeting(actor, 'meeting.monitor', facts);
    const invited = await this.#invitedPoints(room.name);
    const peerOfPoint = new Map<string, Peer>();
    for (const peer of room.peers.values()) {
      const pointId = invited.pointOfAccount.get(peer.identity.accountId);
      if (pointId) peerOfPoint.set(pointId, peer);
    }
    const remoteOfPoint = new Map<string, string>();
    for (const r of this.remote?.(room.name) ?? []) {
      const pointId = invited.pointOfAccount.get(r.accountId);
      if (pointId && !peerOfPoint.has(pointId)) remoteOfPoint.set(pointId, r.peerId);
    }
    const health = diagnostics ? await this.#producerHealth(room) : null;
    const points = invited.points.map((p) => {
      const peer = peerOfPoint.get(p.pointId);
      const producers = peer && health ? (health.get(peer.id) ?? []) : null;
      return {
        pointId: p.pointId,
        name: p.name,
        unitName: p.unitName,
        level: p.level,
        headcount: p.headcount,
        connected: peer !== undefined || remoteOfPoint.has(p.pointId),
        peerId: peer?.id ?? remoteOfPoint.get(p.pointId) ?? null,
        picture: producers ? pictureOf(producers) : null,
        sound: producers ? soundOf(producers) : null,
        link: diagnostics && peer && this.links ? pointLink(this.links.linkOf(peer)) : null,
      };
    });
    sortPoints(points);
    return { diagnostics, points, counts: countPoints(points, diagnostics) };
  }

  #invitedPoints(meetingId: string): Promise<Invited> {
    const cached = this.#invited.get(meetingId);
    if (cached) return cached;
    const loading = this.#loadInvited(meetingId);
    this.#invited.set(meetingId, loading);
    loading.then(
      () => setTimeout(() => this.#invited.get(meetingId) === loading && this.#invited.delete(meetingId), INVITED_TTL_MS).unref(),
      () => this.#invited.delete(meetingId),
    );
    return loading;
  }

  async #loadInvited(meetingId: string): Promise<Invited> {
    const rows = await this.db
      .selectFrom('meeting_points')
      .innerJoin('bridge_points', 'bridge_points.id', 'meeting_points.bridge_point_id')
      .innerJoin('units', 'units.id', 'bridge_points.unit_id')
      .select(['bridge_points.id as pointId', 'bridge_points.name', 'bridge_points.headcount', 'units.name as unitName', 'units.level'])
      .where('meeting_points.meeting_id', '=', meetingId)
      .execute();
    const pointOfAccount = new Map<string, string>();
    const ids = rows.map((r) => r.pointId);
    for (let i = 0; i < ids.length; i += 500) {
      const accounts = await this.db.selectFrom('accounts').select(['id', 'bridge_point_id']).where('bridge_point_id', 'in', ids.slice(i, i + 500)).execute();
      for (const a of accounts) if (a.bridge_point_id) pointOfAccount.set(a.id, a.bridge_point_id);
    }
    return { points: rows, pointOfAccount };
  }

  #producerHealth(room: Room): Promise<Health> {
    const cached = this.#health.get(room);
    if (cached && this.now() - cached.at < HEALTH_TTL_MS) return cached.health;
    const health = readHealth(room);
    this.#health.set(room, { at: this.now(), health });
    return health;
  }
}

/** The quality of a point's link and since when, as the link monitor last judged it. */
function pointLink(link: ReturnType<LinkMonitor['linkOf']>) {
  return link ? { quality: link.quality, since: link.since, fallback: link.fallback } : null;
}

/** Each peer's producers with their current bitrate and score, read from the workers. */
async function readHealth(room: Room): Promise<Health> {
  const health: Health = new Map();
  await Promise.all(
    [...room.peers.values()].map(async (peer) => {
      const snapshots = await Promise.all(
        [...peer.producers.values()].map(async (producer): Promise<ProducerSnapshot> => {
          let bitrate = 0;
          try {
            if (!producer.closed && !producer.paused) for (const s of await producer.getStats()) bitrate += s.bitrate ?? 0;
          } catch {
            /* closed meanwhile: nothing arrives */
          }
          const score = producer.score.reduce((best, s) => Math.max(best, s.score), 0);
          return { source: producer.appData.source, paused: producer.paused, bitrate, score };
        }),
      );
      health.set(peer.id, snapshots);
    }),
  );
  return health;
}
