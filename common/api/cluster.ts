/**
 * Several servers (issue 16, step 6): which server carries a client's signaling and media
 * (placement), and the servers' drain, for admins. One typed protocol for the server's routes and
 * the renderer.
 */
import { z } from 'zod';

/** A server's id (SERVER_ID's rule). */
export const ServerId = z.string().regex(/^[A-Za-z0-9._:-]{1,60}$/, 'letters, digits and . _ : - (at most 60)');

/** GET /api/meetings/:id/placement?avoid=<server>: `avoid` is the server the client just lost. */
export const PlacementQuery = z.strictObject({ avoid: ServerId.optional() });

export const PlacementReason = z.enum(['network', 'meeting', 'load', 'overloaded']);

/**
 * Where to connect. `signalingUrl` null: one server (or none placeable): use the address the client
 * already knows, as before several servers existed.
 */
export const Placement = z.object({
  serverId: ServerId.nullable(),
  signalingUrl: z
    .string()
    .url()
    .refine((u) => /^wss?:\/\//.test(u), 'a ws:// or wss:// URL')
    .nullable(),
  reason: PlacementReason.nullable(),
});
export type Placement = z.infer<typeof Placement>;

export const ServerIdParams = z.strictObject({ id: ServerId });

/** PUT /api/cluster/servers/:id/drain. */
export const DrainBody = z.strictObject({ draining: z.boolean() });

export const ClusterServer = z.object({
  id: ServerId,
  publicUrl: z.string().nullable(),
  participants: z.number().int(),
  draining: z.boolean(),
  /** Liveness lease live and heartbeat recent: placement may choose it (unless draining). */
  alive: z.boolean(),
  heartbeatAgeMs: z.number(),
});
export type ClusterServer = z.infer<typeof ClusterServer>;
export const ClusterServers = z.array(ClusterServer);
