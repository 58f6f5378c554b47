/**
 * Who is calling: the access token from the `ph_access` cookie (browsers) or an
 * `Authorization: Bearer` header (integrations), checked against the store on every request.
 */
import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { AuthService } from './auth-service';
import type { Actor } from './policy';
import { ACCESS_TTL_SECONDS, REFRESH_TTL_SECONDS } from './tokens';

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

export function setSessionCookies(reply: FastifyReply, accessToken: string, refreshToken: string, secure: boolean): void {
  const base = { httpOnly: true, sameSite: 'strict' as const, secure };
  reply.setCookie(ACCESS_COOKIE, accessToken, { ...base, path: '/', maxAge: ACCESS_TTL_SECONDS });
  reply.setCookie(REFRESH_COOKIE, refreshToken, { ...base, path: '/api/auth', maxAge: REFRESH_TTL_SECONDS });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/api/auth' });
}
