/**
 * Nothing of a request body is read before the caller is known and allowed.
 *
 * Fastify reads and parses a body between the `onRequest` and `preValidation` hooks; a route's
 * handler runs after that. So this guard adds an `onRequest` hook to every API route that takes a
 * body (POST, PUT, PATCH under /api/, except /api/auth/* which signs people in): it answers 401
 * when the caller is not signed in, runs the route's own `config.authorizeBody` check (403/404 for
 * someone who may not do this to this meeting or document), and for routes that hand their body to
 * a PDF worker (`config.pdfJob`) answers 429 when the caller's account already has as many PDF
 * jobs as one account may, and 503 when the PDF workers have no room. A request refused
 * here is answered at once and its connection closed: its body is never read into memory.
 *
 * Expensive routes also get a per-account rate limit (`perAccountRateLimit`, @fastify/rate-limit).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { AppError } from '../errors';
import type { PdfJobs } from '../pdf-jobs/pdf-jobs';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Throws (403, 404, 409…) unless the caller may send this body; runs before it is read. */
    authorizeBody?: (req: FastifyRequest) => Promise<void>;
    /** The body goes to a PDF worker: refuse early (429 for an account at its share, 503 when they are all taken). */
    pdfJob?: boolean;
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(req: FastifyRequest): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

export function registerBodyGuard(app: FastifyInstance, pdfJobs: PdfJobs): void {
  const guard: onRequestHookHandler = async function guard(req: FastifyRequest, reply: FastifyReply) {
    try {
      if (!req.actor) throw new AppError('unauthorized', 'sign in first');
      const config = req.routeOptions.config;
      if (config.authorizeBody) await config.authorizeBody(req);
      if (config.pdfJob && pdfJobs.accountBusy(req.actor.accountId)) throw pdfJobs.refuseAccount();
      if (config.pdfJob && pdfJobs.busy()) throw pdfJobs.refuseBusy();
    } catch (err) {
      // The body is left unread: close the connection after the answer rather than drain it.
      if (hasBody(req)) reply.header('connection', 'close');
      throw err;
    }
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => BODY_METHODS.has(m)) || !route.url.startsWith('/api/') || route.url.startsWith('/api/auth/')) return;
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    // First of the route's own hooks: before the rate limiter counts the request.
    route.onRequest = [guard, ...own];
  });
}

/** A per-account limit of `max` requests a minute on an expensive route, with a clear 429. */
export function perAccountRateLimit(max: number, what: string) {
  return {
    max,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => req.actor?.accountId ?? req.ip,
    errorResponseBuilder: (_req: FastifyRequest, ctx: { max: number; ttl: number }) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new AppError('rate_limited', `too many ${what}: at most ${ctx.max} a minute for one account; try again in ${seconds} s`, { retryAfterSeconds: seconds, limitPerMinute: ctx.max }, 'apiErrors.rate_limited');
    },
  };
}
