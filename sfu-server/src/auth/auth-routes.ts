/** /api/auth: log in, refresh, log out, who am I. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Account } from '../../../common/api/model';
import { LoginBody, RefreshBody, Session } from '../../../common/api/requests';
import { AppError } from '../errors';
import { accountFromRow } from '../meetings/rows';
import type { AuthService, IssuedSession } from './auth-service';
import { clearSessionCookies, REFRESH_COOKIE, requireActor, setSessionCookies } from './http-auth';

export function registerAuthRoutes(app: FastifyInstance, auth: AuthService, loginRatePerMinute = 30): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const answer = (s: IssuedSession, desktop: boolean) => ({
    account: s.account,
    accessToken: s.accessToken,
    expiresAt: s.expiresAt,
    ...(desktop && s.refreshToken ? { refreshToken: s.refreshToken } : {}),
  });

  r.post(
    '/api/auth/login',
    {
      schema: { tags, summary: 'Log in with username and password', body: LoginBody, response: { 200: Session } },
      // Failed passwords are limited per username and address in AuthService; this caps raw request rate.
      config: { rateLimit: { max: loginRatePerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const session = await auth.login(req.body.username, req.body.password, req.ip);
      setSessionCookies(reply, session, req.protocol === 'https');
      return answer(session, req.body.client === 'desktop');
    },
  );

  // The body is nullish: a browser refreshes with the cookie alone, and Fastify gives a missing body as null.
  r.post(
    '/api/auth/refresh',
    { schema: { tags, summary: 'Exchange a refresh token (cookie or body) for a new session', body: RefreshBody.nullish(), response: { 200: Session } } },
    async (req, reply) => {
      const fromBody = req.body?.refreshToken;
      const token = fromBody ?? req.cookies[REFRESH_COOKIE];
      if (!token) throw new AppError('unauthorized', 'no session');
      const session = await auth.refresh(token);
      setSessionCookies(reply, session, req.protocol === 'https');
      return answer(session, fromBody !== undefined);
    },
  );

  r.post('/api/auth/logout', { schema: { tags, summary: 'End this session', response: { 204: z.null() } } }, async (req, reply) => {
    const actor = requireActor(req);
    await auth.logout(actor);
    clearSessionCookies(reply);
    return reply.code(204).send(null);
  });

  r.get('/api/auth/me', { schema: { tags, summary: 'The signed-in account', response: { 200: Account } } }, async (req) => {
    const actor = requireActor(req);
    const row = await auth.db.selectFrom('accounts').selectAll().where('id', '=', actor.accountId).executeTakeFirstOrThrow();
    return accountFromRow(row);
  });
}
