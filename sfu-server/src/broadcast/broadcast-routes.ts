/**
 * HTTP of the live broadcast:
 * - `GET/PUT /api/meetings/:id/broadcast`: its state (and the caller's playlist URL), turning it on/off;
 * - `GET/PUT /api/meetings/:id/viewers`: watch-only invitations;
 * - `GET /live/<meetingId>/<token>/index.m3u8 | seg-NNNNNN.ts`: the HLS files, plain files checked
 *   per request (`BroadcastService.mayFetch`); 403 for a bad, expired or revoked token, whatever the file;
 * - `GET /api/live-auth`: the same check for an nginx in front (`auth_request`, original URI in
 *   `X-Original-URI`): 204 or 403, so the cache serves thousands without asking for each file.
 * Segments are immutable once listed (ffmpeg writes them under a temporary name and renames), so
 * they are kept in a small memory cache and may be cached anywhere for a minute; the playlist changes
 * every segment: kept in memory and checked against the file at most every 250 ms
 * (`playlist-cache.ts`), sent `private, no-cache` with an ETag (an unchanged one answers 304).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BroadcastBody, BroadcastState, Viewers, ViewersBody } from '../../../common/api/broadcast';
import { Id } from '../../../common/api/model';
import { IdParams } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
import { canOnMeeting } from '../auth/policy';
import { forbidden } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import type { BroadcastService } from './broadcast-service';
import { PlaylistCache } from './playlist-cache';
import type { ViewersService } from './viewers-service';

const FILE = /^(index\.m3u8|seg-[0-9a-z]{1,12}-\d{6}\.ts)$/;
export const LIVE_PATH = /^\/live\/([0-9a-f-]{36})\/([A-Za-z0-9_.-]{1,500})\/([A-Za-z0-9_.-]{1,40})$/;
const SEGMENT_CACHE = 96;

export function registerBroadcastRoutes(app: FastifyInstance, broadcast: BroadcastService, viewers: ViewersService, meetings: MeetingsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['broadcast'];

  r.get('/api/meetings/:id/broadcast', { schema: { tags, summary: 'The live broadcast: on or off, and the caller’s playlist', params: IdParams, response: { 200: BroadcastState } } }, async (req) =>
    broadcast.state(requireActor(req), req.params.id),
  );
  r.put(
    '/api/meetings/:id/broadcast',
    {
      config: {
        authorizeBody: async (req) => {
          const { id } = req.params as { id: string };
          if (!Id.safeParse(id).success) return;
          const facts = await meetings.authorize(requireActor(req), id, 'meeting.view');
          if (!canOnMeeting(requireActor(req), 'broadcast.manage', facts)) throw forbidden('only the chair and the secretary turn the live broadcast on and off');
        },
      },
      schema: { tags, summary: 'Turn the live broadcast on or off (the chair, the secretary)', params: IdParams, body: BroadcastBody, response: { 200: BroadcastState } },
    },
    async (req) => broadcast.set(requireActor(req), req.params.id, req.body.on),
  );
  r.get('/api/meetings/:id/viewers', { schema: { tags, summary: 'Accounts invited to watch only (organisers)', params: IdParams, response: { 200: Viewers } } }, async (req) =>
    viewers.list(requireActor(req), req.params.id),
  );
  r.put(
    '/api/meetings/:id/viewers',
    {
      config: {
        authorizeBody: async (req) => {
          const { id } = req.params as { id: string };
          if (!Id.safeParse(id).success) return;
          const facts = await meetings.authorize(requireActor(req), id, 'meeting.view');
          if (!canOnMeeting(requireActor(req), 'meeting.transition', facts)) throw forbidden('only the organisers invite viewers');
        },
      },
      schema: { tags, summary: 'Replace the accounts invited to watch only', params: IdParams, body: ViewersBody, response: { 200: Viewers } },
    },
    async (req) => viewers.set(requireActor(req), req.params.id, req.body.accountIds),
  );

  const segments = new Map<string, Buffer>();
  const playlists = new PlaylistCache();
  const refuse = (reply: FastifyReply) => reply.code(403).header('cache-control', 'no-store').send({ code: 'forbidden', messageKey: 'apiErrors.forbidden', message: 'not allowed to watch this broadcast' });

  // One wildcard route parsed here: tokens are longer than Fastify's 100-character path parameters.
  app.get('/live/*', { schema: { hide: true } }, async (req, reply) => {
    const m = LIVE_PATH.exec(req.url.split('?')[0] ?? '');
    if (!m) return refuse(reply);
    const [, meetingId = '', token = '', file = ''] = m;
    if (!(await broadcast.mayFetch(meetingId, token))) return refuse(reply);
    if (!FILE.test(file)) return reply.code(404).send({ code: 'not_found', messageKey: 'apiErrors.not_found', message: 'not found' });
    const full = path.join(broadcast.dirOf(meetingId), file);
    if (file === 'index.m3u8') {
      const playlist = await playlists.get(full);
      if (!playlist) return reply.code(404).header('cache-control', 'no-store').send({ code: 'not_found', messageKey: 'apiErrors.not_found', message: 'the broadcast has not started' });
      // Browsers keep it but ask again every time (no-cache), with its ETag: unchanged → 304, no body.
      reply.header('cache-control', 'private, no-cache').header('etag', playlist.etag).header('last-modified', new Date(playlist.mtimeMs).toUTCString());
      if (req.headers['if-none-match'] === playlist.etag) return reply.code(304).send();
      return reply.header('content-type', 'application/vnd.apple.mpegurl').send(playlist.body);
    }
    let data = segments.get(full);
    if (!data) {
      const read = await fs.readFile(full).catch(() => null);
      if (!read) return reply.code(404).send({ code: 'not_found', messageKey: 'apiErrors.not_found', message: 'no such segment' });
      data = read;
      segments.set(full, data);
      if (segments.size > SEGMENT_CACHE) segments.delete(segments.keys().next().value!);
    }
    return reply.header('content-type', 'video/mp2t').header('cache-control', 'private, max-age=60, immutable').send(data);
  });

  r.get('/api/live-auth', { schema: { tags, summary: 'For a cache in front (nginx auth_request): may the token in X-Original-URI fetch it?', headers: z.object({ 'x-original-uri': z.string().max(2000).optional() }).passthrough(), response: { 204: z.null(), 403: z.unknown() } } }, async (req, reply) => {
    const uri = (req.headers['x-original-uri'] as string | undefined)?.split('?')[0] ?? '';
    const m = LIVE_PATH.exec(uri);
    if (!m || !(await broadcast.mayFetch(m[1]!, m[2]!))) return refuse(reply);
    return reply.code(204).header('cache-control', 'no-store').send(null);
  });
}
