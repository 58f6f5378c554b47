/**
 * The internal API between the servers of a cluster (issue 16): request/answer calls that do not
 * fit the event bus (setting up media pipes, media-bridge.ts), under /internal/cluster/.
 *
 * - Authenticated with a secret every server shares: CLUSTER_SECRET, else one derived from
 *   AUTH_SECRET with HMAC-SHA256 (the servers share AUTH_SECRET anyway, for sessions), so the
 *   session secret itself never travels. A call without the right secret is refused (401) in
 *   `onRequest`, before its body is read; the caller names itself (`x-cluster-server`).
 * - Bodies are small JSON (at most 16 KiB), checked with zod; answers are checked by the caller with
 *   zod too (another server's answer is input like any other).
 * - The reverse proxy in front of the servers must not route /internal/ from the outside (README);
 *   the secret holds even if it does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors';
import type { ServerRegistry } from './server-registry';

export const CLUSTER_API_PREFIX = '/internal/cluster';
const MAX_BODY_BYTES = 16 * 1024;
const SERVER_HEADER = 'x-cluster-server';
const ServerId = z.string().regex(/^[A-Za-z0-9._:-]{1,60}$/);

/** The shared secret of the internal API; undefined when neither CLUSTER_SECRET nor AUTH_SECRET is set. */
export function clusterSecret(config: { CLUSTER_SECRET?: string | undefined; AUTH_SECRET?: string | undefined }): string | undefined {
  if (config.CLUSTER_SECRET) return config.CLUSTER_SECRET;
  if (!config.AUTH_SECRET) return undefined;
  return createHmac('sha256', config.AUTH_SECRET).update('phonghop cluster internal API v1').digest('base64url');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request carries the secret (compared in constant time). */
function authenticated(req: FastifyRequest, secret: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Cluster ')) return false;
  return timingSafeEqual(digest(header.slice('Cluster '.length)), digest(secret));
}

/**
 * Adds a POST route under /internal/cluster/: refused before its body is read unless it carries the
 * secret and names its server; the body is checked with `schema`; the answer is what `handle` returns.
 */
export function registerInternalRoute<B extends z.ZodType, A>(
  app: FastifyInstance,
  secret: string,
  path: string,
  schema: B,
  handle: (fromServer: string, body: z.infer<B>) => Promise<A>,
): void {
  app.post(`${CLUSTER_API_PREFIX}${path}`, {
    bodyLimit: MAX_BODY_BYTES,
    onRequest: async (req, reply) => {
      if (!authenticated(req, secret) || !ServerId.safeParse(req.headers[SERVER_HEADER]).success) {
        reply.header('connection', 'close');
        throw new AppError('unauthorized', 'not a server of this cluster');
      }
    },
    handler: async (req) => {
      const body = schema.safeParse(req.body);
      if (!body.success) throw new AppError('bad_request', `invalid body: ${body.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 300)}`);
      return handle(req.headers[SERVER_HEADER] as string, body.data);
    },
  });
}

/** A call to another server failed: its error code (`unreachable` when it did not answer). */
export class InternalCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InternalCallError';
  }
}

/** Calls the other servers' internal API (their address from the registry). */
export class InternalClient {
  constructor(
    readonly selfId: string,
    readonly secret: string,
    readonly registry: ServerRegistry,
    readonly timeoutMs = 5_000,
  ) {}

  async call<A extends z.ZodType>(serverId: string, path: string, body: unknown, answer: A): Promise<z.infer<A>> {
    const entry = await this.registry.lookup(serverId);
    if (!entry) throw new InternalCallError('unknown_server', `server ${serverId} has not published where to reach it`);
    let res: Response;
    try {
      res = await fetch(`${entry.internalUrl.replace(/\/$/, '')}${CLUSTER_API_PREFIX}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Cluster ${this.secret}`, [SERVER_HEADER]: this.selfId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new InternalCallError('unreachable', `server ${serverId} (${entry.internalUrl}) did not answer ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (text.length > 256 * 1024) throw new InternalCallError('bad_answer', `server ${serverId} answered ${path} with ${text.length} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InternalCallError('bad_answer', `server ${serverId} answered ${path} with something else than JSON (HTTP ${res.status})`);
    }
    if (!res.ok) {
      // A reason more precise than the HTTP code, when the far side gives one (e.g. `no_pipe`).
      const reason = (json as { details?: { reason?: unknown } })?.details?.reason;
      const code = typeof reason === 'string' ? reason : typeof (json as { code?: unknown })?.code === 'string' ? (json as { code: string }).code : `http_${res.status}`;
      const message = typeof (json as { message?: unknown })?.message === 'string' ? (json as { message: string }).message : '';
      throw new InternalCallError(code.slice(0, 60), `server ${serverId} refused ${path}: ${code} ${message.slice(0, 300)}`);
    }
    const parsed = answer.safeParse(json);
    if (!parsed.success) throw new InternalCallError('bad_answer', `server ${serverId} answered ${path} out of schema: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }
}
