/**
 * Who is calling: the access token from the `ph_access` cookie (browsers) or an
 * `Authorization: Bearer` header (integrations), checked against the store on every request.
 */
import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { AuthService } from './auth-service';
import type { Actor } from './policy';
import { ACCESS_TTL_SECONDS } from './tokens';

export const ACCESS_COOKIE = 'ph_access';
export const REFRESH_COOKIE = 'ph_refresh';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function tokenFrom(headers: { authorization?: string | undefined; cookie?: string | undefined }, cookies?: Record<string, string | undefined>): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return cookies?.[ACCESS_COOKIE] ?? null;
}

export function authHook(auth: AuthService) {
  return async (req: FastifyRequest) => {
    const token = tokenFrom(req.headers, req.cookies);
    req.actor = token ? await auth.authenticate(token) : null;
  };
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthorized', 'sign in first');
  return req.actor;
}

/** The access cookie, and the refresh cookie when a new refresh token was issued (it lives until the session's expiry). */
export function setSessionCookies(reply: FastifyReply, session: { accessToken: string; refreshToken?: string | undefined; refreshExpiresAt: string }, secure: boolean): void {
  const base = { httpOnly: true, sameSite: 'strict' as const, secure };
  reply.setCookie(ACCESS_COOKIE, session.accessToken, { ...base, path: '/', maxAge: ACCESS_TTL_SECONDS });
  if (session.refreshToken) {
    const maxAge = Math.max(0, Math.floor((Date.parse(session.refreshExpiresAt) - Date.now()) / 1000));
    reply.setCookie(REFRESH_COOKIE, session.refreshToken, { ...base, path: '/api/auth', maxAge });
  }
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/api/auth' });
}
