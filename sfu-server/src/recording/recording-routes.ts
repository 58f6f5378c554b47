/**
 * /api/meetings/:id/recordings — the meeting's archive (anyone who may see the meeting; a
 * confidential recording only to its organisers):
 *   GET    /api/meetings/:id/recordings        the list: status, progress, duration, size, SHA-256
 *   GET    /api/recordings/:id/archive.mp4     the MP4 (Range requests for players; `?download=1` as a file)
 *   DELETE /api/recordings/:id                 the secretary deletes it (audited)
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RecordingList } from '../../../common/api/recording';
import { IdParams } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
import type { RecordingService } from './recording-service';

export function registerRecordingRoutes(app: FastifyInstance, recordings: RecordingService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recordings'];
  r.get('/api/meetings/:id/recordings', { schema: { tags, summary: "The meeting's recordings (archive)", params: IdParams, response: { 200: RecordingList } } }, async (req) => ({
    recordings: await recordings.list(requireActor(req), req.params.id),
  }));
  r.get(
    '/api/recordings/:id/archive.mp4',
    { schema: { tags, summary: 'The archive MP4 (invitees and organisers; confidential: organisers)', params: IdParams, querystring: z.object({ download: z.enum(['1']).optional() }), response: { 200: z.string().describe('video/mp4'), 206: z.string().describe('video/mp4, a range'), 416: z.string() } } },
    async (req, reply) => {
      const file = await recordings.archive(requireActor(req), req.params.id);
      reply.header('Accept-Ranges', 'bytes').header('Cache-Control', 'private, no-store').type('video/mp4');
      if (file.sha256) reply.header('ETag', `"${file.sha256}"`);
      if (req.query.download) reply.header('Content-Disposition', `attachment; filename="ghi-hinh-${file.meetingId.slice(0, 8)}-${req.params.id.slice(0, 8)}.mp4"`);
      const range = parseRange(req.headers.range, file.size);
      if (range === 'unsatisfiable') return reply.code(416).header('Content-Range', `bytes */${file.size}`).send('');
      if (range) {
        reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`).header('Content-Length', String(range.end - range.start + 1));
        return reply.send(createReadStream(file.path, { start: range.start, end: range.end }) as unknown as string);
      }
      reply.header('Content-Length', String(file.size));
      return reply.send(createReadStream(file.path) as unknown as string);
    },
  );
  r.delete('/api/recordings/:id', { schema: { tags, summary: "Delete a recording (the meeting's secretary; audited)", params: IdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await recordings.delete(requireActor(req), req.params.id);
    return reply.code(204).send(null);
  });
}

/** One byte range of a `Range: bytes=a-b` header (several ranges: the whole file). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (!m[1] && !m[2])) return null;
  let start: number;
  let end: number;
  if (!m[1]) {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
