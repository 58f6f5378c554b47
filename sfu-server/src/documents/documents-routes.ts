/**
 * /api/meetings/:id/documents (the pack, uploads, publication, settings), /api/documents/:id
 * (change, new version, delete, the file of a version) and /api/meetings/:id/comments.
 * Uploads are multipart, streamed to disk; the size limit is MAX_DOCUMENT_MB.
 */
import { createReadStream } from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommentBody, DocComment, DocumentPack, DocumentParams, DocumentPatch, MeetingDocument, PackSettingsBody, UploadQuery, VersionParams } from '../../../common/api/documents';
import { IdParams } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
import { AppError } from '../errors';
import { perAccountRateLimit } from '../http/body-guard';
import type { DocumentsService, IncomingFile } from './documents-service';
import { PdfRefused } from './pdf-check';

/** Multipart overhead allowed above the file itself when judging Content-Length. */
const ENVELOPE_BYTES = 64 * 1024;

export async function registerDocumentRoutes(app: FastifyInstance, docs: DocumentsService): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: docs.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 100 } });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['documents'];

    /** The one file part of an upload, refused early when announced too large. */
    async function filePart(req: FastifyRequest): Promise<{ file: IncomingFile; tooLarge: () => boolean }> {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > docs.maxBytes + ENVELOPE_BYTES) throw docs.tooLarge();
      if (!req.isMultipart()) throw new PdfRefused('noFile', 'send the file as multipart/form-data');
      const part = await req.file();
      if (!part) throw new PdfRefused('noFile', 'no file in the request');
      return { file: { fileName: part.filename, stream: part.file }, tooLarge: () => part.file.truncated };
    }

    r.get('/api/meetings/:id/documents', { schema: { tags, summary: 'The meeting pack: agenda items and the documents the caller may read', params: IdParams, response: { 200: DocumentPack } } }, async (req) =>
      docs.pack(requireActor(req), req.params.id),
    );
    r.post(
      '/api/meetings/:id/documents',
      {
        // Checked before a byte of the file is read (http/body-guard.ts); the file is checked in a PDF worker.
        config: {
          pdfJob: true,
          authorizeBody: async (req) => {
            const params = IdParams.safeParse(req.params);
            const query = UploadQuery.safeParse(req.query);
            if (!params.success || !query.success) throw new AppError('bad_request', 'invalid meeting or agenda item id');
            await docs.checkUpload(requireActor(req), params.data.id, query.data.agendaItemId);
          },
          rateLimit: perAccountRateLimit(300, 'uploads'),
        },
        schema: { tags, summary: 'Upload a PDF to an agenda item (multipart, one file)', params: IdParams, querystring: UploadQuery, response: { 201: MeetingDocument } } },
      async (req, reply) => {
        const actor = requireActor(req);
        // Permission first: nothing is read from someone who may not upload.
        await docs.checkUpload(actor, req.params.id, req.query.agendaItemId);
        const { file, tooLarge } = await filePart(req);
        return reply.code(201).send(await docs.upload(actor, req.params.id, req.query.agendaItemId, file, tooLarge));
      },
    );
    r.post('/api/meetings/:id/documents/publish', { schema: { tags, summary: 'Publish the pack to the invitees', params: IdParams, response: { 200: DocumentPack } } }, async (req) =>
      docs.publish(requireActor(req), req.params.id),
    );
    r.put('/api/meetings/:id/documents/settings', { schema: { tags, summary: 'The pack’s watermark setting', params: IdParams, body: PackSettingsBody, response: { 200: DocumentPack } } }, async (req) =>
      docs.setWatermark(requireActor(req), req.params.id, req.body.watermark),
    );
    r.patch('/api/documents/:id', { schema: { tags, summary: 'Rename, move, mark confidential, choose readers, watermark', params: DocumentParams, body: DocumentPatch, response: { 200: MeetingDocument } } }, async (req) =>
      docs.update(requireActor(req), req.params.id, req.body),
    );
    r.delete('/api/documents/:id', { schema: { tags, summary: 'Remove a document from the pack', params: DocumentParams, response: { 204: z.null() } } }, async (req, reply) => {
      await docs.remove(requireActor(req), req.params.id);
      return reply.code(204).send(null);
    });
    r.post('/api/documents/:id/versions', {
      config: {
        pdfJob: true,
        authorizeBody: async (req) => {
          const params = DocumentParams.safeParse(req.params);
          if (!params.success) throw new AppError('bad_request', 'invalid document id');
          await docs.checkNewVersion(requireActor(req), params.data.id);
        },
        rateLimit: perAccountRateLimit(300, 'uploads'),
      },
      schema: { tags, summary: 'Replace the document with a new version (multipart, one file)', params: DocumentParams, response: { 201: MeetingDocument } } }, async (req, reply) => {
      const actor = requireActor(req);
      await docs.checkNewVersion(actor, req.params.id);
      const { file, tooLarge } = await filePart(req);
      return reply.code(201).send(await docs.addVersion(actor, req.params.id, file, tooLarge));
    });
    // Untyped reply: the answer is a file stream (Fastify sends streams as they are), documented as a string.
    scope.get<{ Params: z.infer<typeof VersionParams> }>('/api/documents/:id/versions/:versionId/file', { schema: { tags, summary: 'The PDF of a version (application/pdf)', params: VersionParams, response: { 200: z.string().describe('the PDF bytes (application/pdf)') } } }, async (req, reply) => {
      const v = await docs.openVersion(requireActor(req), req.params.id, req.params.versionId);
      const ascii = v.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
      return reply
        .header('Content-Type', 'application/pdf')
        .header('Content-Length', String(v.size))
        .header('Content-Disposition', `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(v.fileName)}`)
        .header('Cache-Control', v.confidential ? 'private, no-store' : 'private, no-cache')
        .header('ETag', `"${v.sha256}"`)
        .header('X-Content-SHA256', v.sha256)
        .send(createReadStream(v.path));
    });

    r.get('/api/meetings/:id/comments', { schema: { tags, summary: 'Comments on the agenda items and documents the caller may read', params: IdParams, response: { 200: z.array(DocComment) } } }, async (req) =>
      docs.comments(requireActor(req), req.params.id),
    );
    r.post('/api/meetings/:id/comments', { schema: { tags, summary: 'Comment on an agenda item or a document (or reply)', params: IdParams, body: CommentBody, response: { 201: DocComment } } }, async (req, reply) =>
      reply.code(201).send(await docs.addComment(requireActor(req), req.params.id, req.body)),
    );
  });
}
