/**
 * Several servers (issue 16, step 6) over HTTP: where a client connects for a meeting
 * (`GET /api/meetings/:id/placement`, every server answers it, one server answers "here"), and the
 * servers' list and drain for admins (`GET /api/cluster/servers`, `PUT /api/cluster/servers/:id/drain`,
 * audited). The rules are placement.ts's; this file reads the registry and applies them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ClusterServer, ClusterServers, DrainBody, Placement, PlacementQuery, ServerIdParams, type Placement as PlacementAnswer } from '../../../common/api/cluster';
import { IdParams } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
import { can, type Actor } from '../auth/policy';
import { forbidden, notFound } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import { choosePlacement, RecentPlacements, type PlacementCandidate } from './placement';
import type { ServerRegistry, ServerStatus } from './server-registry';

export interface ClusterPlacementOptions {
  registry: ServerRegistry;
  /** CLUSTER_SERVER_CAPACITY. */
  capacity: number;
  /** A heartbeat older than this: the server is not chosen (it stopped, even if its lease still runs). */
  staleMs: number;
}

export class ClusterPlacement {
  readonly #recent: RecentPlacements;

  constructor(readonly o: ClusterPlacementOptions) {
    this.#recent = new RecentPlacements(o.staleMs);
  }

  alive(s: ServerStatus): boolean {
    return s.leaseLive && s.heartbeatAgeMs <= this.o.staleMs;
  }

  async place(meetingId: string, clientIp: string | null, avoid: string | undefined): Promise<PlacementAnswer> {
    const candidates: PlacementCandidate[] = (await this.o.registry.statuses()).map((s) => {
      const now = Date.now();
      const [placed, placedHere] = this.#recent.count(s.id, meetingId, now - s.heartbeatAgeMs, now);
      return {
        id: s.id,
        publicUrl: s.publicUrl,
        alive: this.alive(s),
        draining: s.draining,
        participants: s.participants + placed,
        meetingParticipants: (s.meetings[meetingId] ?? 0) + placedHere,
        networks: s.networks,
      };
    });
    const p = choosePlacement(candidates, { clientIp, avoid, capacity: this.o.capacity });
    if (!p) return { serverId: null, signalingUrl: null, reason: null };
    this.#recent.add(p.serverId, meetingId);
    return p;
  }
}

export interface PlacementRoutesOptions {
  meetings: MeetingsService;
  db: Db;
  /** Absent on one server: every placement answers "here". */
  cluster?: { placement: ClusterPlacement; registry: ServerRegistry; serverId: string; onDrain: (draining: boolean) => void } | undefined;
}

function requireClusterAdmin(actor: Actor): void {
  // Those who run the servers: the same people who read their figures.
  if (!can(actor, 'metrics.read')) throw forbidden();
}

export function registerPlacementRoutes(app: FastifyInstance, o: PlacementRoutesOptions): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['cluster'];
  r.get(
    '/api/meetings/:id/placement',
    { schema: { tags, summary: 'Which server carries my signaling and media in this meeting (several servers); null: the address already used', params: IdParams, querystring: PlacementQuery, response: { 200: Placement } } },
    async (req) => {
      const actor = requireActor(req);
      await o.meetings.authorize(actor, req.params.id, 'meeting.join');
      if (!o.cluster) return { serverId: null, signalingUrl: null, reason: null };
      return o.cluster.placement.place(req.params.id, req.ip ?? null, req.query.avoid);
    },
  );
  const cluster = o.cluster;
  if (!cluster) return;
  const view = (s: ServerStatus): ClusterServer => ({ id: s.id, publicUrl: s.publicUrl, participants: s.participants, draining: s.draining, alive: cluster.placement.alive(s), heartbeatAgeMs: s.heartbeatAgeMs });
  r.get('/api/cluster/servers', { schema: { tags, summary: 'The servers, their load, liveness and drain (admins)', response: { 200: ClusterServers } } }, async (req) => {
    requireClusterAdmin(requireActor(req));
    return (await cluster.registry.statuses()).map(view);
  });
  r.put(
    '/api/cluster/servers/:id/drain',
    {
      schema: { tags, summary: 'Drain a server (placement skips it, it moves its participants to the others) or end its drain (admins)', params: ServerIdParams, body: DrainBody, response: { 200: ClusterServer } },
      // Before the body is read (http/body-guard.ts).
      config: { authorizeBody: async (req) => requireClusterAdmin(requireActor(req)) },
    },
    async (req) => {
      const actor = requireActor(req);
      requireClusterAdmin(actor);
      const { id } = req.params;
      const { draining } = req.body;
      const found = await o.db.transaction().execute(async (tx) => {
        if (!(await cluster.registry.setDraining(id, draining, tx))) return false;
        await audit(tx, { actorId: actor.accountId, action: draining ? 'cluster.drain' : 'cluster.undrain', targetType: 'server', targetId: id });
        return true;
      });
      if (!found) throw notFound('server');
      // The request came to the server drained: it acts now; another learns it at its next heartbeat.
      if (id === cluster.serverId) cluster.onDrain(draining);
      const status = (await cluster.registry.statuses()).find((s) => s.id === id);
      if (!status) throw notFound('server');
      return view(status);
    },
  );
}
