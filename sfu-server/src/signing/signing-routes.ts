/**
 * /api/signing (trusted authorities, verify a PDF) and the meeting documents to sign:
 *   POST /api/meetings/:id/signed-documents          a PDF (body application/pdf) → a version to sign
 *   POST /api/signed-documents/:id/prepare           the PDF with an empty signature, for one signer
 *   GET  /api/signed-documents/:id/preparations/:pid[/file]  what was prepared, and the prepared PDF
 *   POST /api/signed-documents/:id/finish            signed attributes + signature made on the device
 * Every signature is made on the signer's device (token, or PKCS#12 read in the desktop app or the
 * page): no route accepts a private key or its password.
 * PDFs come as raw `application/pdf` bodies in this plugin's scope only (up to 32 MiB to sign, 33 MiB
 * to verify); the rest of the API keeps its 1 MiB JSON limit. The caller is authorised before a
 * body is read (http/body-guard.ts), each account is rate-limited, and PDFs are parsed in worker
 * threads (pdf-jobs/).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api/requests';
import { FinishBody, NewSignedDocumentQuery, PreparationParams, PrepareBody, PreparedSigning, SignedDocument, TrustAnchor, TrustAnchorBody, VerificationReport } from '../../../common/api/signing';
import { requireActor } from '../auth/http-auth';
import { can } from '../auth/policy';
import { AppError, forbidden } from '../errors';
import { perAccountRateLimit } from '../http/body-guard';
import { MAX_PDF_BYTES, MAX_VERIFY_BYTES, type SigningService } from './signing-service';

function pdfBody(req: FastifyRequest): Uint8Array {
  const body = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('bad_request', 'send the PDF as the request body (Content-Type: application/pdf)');
  return new Uint8Array(body.buffer, body.byteOffset, body.length);
}

export async function registerSigningRoutes(app: FastifyInstance, signing: SigningService): Promise<void> {
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/pdf')) {
      scope.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_VERIFY_BYTES }, (_req, body, done) => done(null, body));
    }
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['signing'];

    r.get('/api/signing/trust-anchors', { schema: { tags, summary: 'Trusted authorities (admin)', response: { 200: z.array(TrustAnchor) } } }, async (req) => signing.listAnchors(requireActor(req)));
    r.post('/api/signing/trust-anchors', { schema: { tags, summary: 'Trust a CA certificate (PEM or base64 DER)', body: TrustAnchorBody, response: { 201: TrustAnchor } } }, async (req, reply) =>
      reply.code(201).send(await signing.addAnchor(requireActor(req), req.body.certificate)),
    );
    r.delete('/api/signing/trust-anchors/:id', { schema: { tags, summary: 'Stop trusting an authority', params: IdParams, response: { 204: z.null() } } }, async (req, reply) => {
      await signing.removeAnchor(requireActor(req), req.params.id);
      return reply.code(204).send(null);
    });
    // Who may send a PDF is settled before it is read (http/body-guard.ts); it is parsed in a PDF worker.
    r.post('/api/signing/verify', {
      bodyLimit: MAX_VERIFY_BYTES,
      config: {
        pdfJob: true,
        authorizeBody: async (req) => {
          if (!can(requireActor(req), 'signing.verify')) throw forbidden();
        },
        rateLimit: perAccountRateLimit(10, 'PDF verifications'),
      },
      schema: { tags, summary: 'Verify the signatures of a PDF (body: application/pdf)', response: { 200: VerificationReport } } }, async (req) =>
      signing.verify(requireActor(req), pdfBody(req)),
    );

    r.get('/api/meetings/:id/signed-documents', { schema: { tags, summary: "A meeting's documents to sign, every version", params: IdParams, response: { 200: z.array(SignedDocument) } } }, async (req) =>
      signing.list(requireActor(req), req.params.id),
    );
    r.post(
      '/api/meetings/:id/signed-documents',
      {
        bodyLimit: MAX_PDF_BYTES,
        config: {
          pdfJob: true,
          authorizeBody: async (req) => {
            const params = IdParams.safeParse(req.params);
            if (!params.success) throw new AppError('bad_request', 'invalid meeting id');
            await signing.meetings.authorize(requireActor(req), params.data.id, 'document.prepareSigning');
          },
          rateLimit: perAccountRateLimit(20, 'documents put up for signing'),
        },
        schema: { tags, summary: 'Put up a PDF (a new version) for the chair and secretary to sign', params: IdParams, querystring: NewSignedDocumentQuery, response: { 201: SignedDocument } } },
      async (req, reply) => reply.code(201).send(await signing.create(requireActor(req), req.params.id, req.query, pdfBody(req))),
    );
    r.get('/api/signed-documents/:id', { schema: { tags, summary: 'One version of a document to sign', params: IdParams, response: { 200: SignedDocument } } }, async (req) =>
      signing.get(requireActor(req), req.params.id),
    );
    r.get('/api/signed-documents/:id/file', { schema: { tags, summary: 'The PDF as it is now (with its signatures)', params: IdParams, response: { 200: z.string().describe('the PDF (application/pdf)') } } }, async (req, reply) => {
      const { bytes, fileName } = await signing.file(requireActor(req), req.params.id);
      return reply
        .type('application/pdf')
        .header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        // A Buffer is sent as it is (no serialisation); the schema's string documents the PDF.
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as unknown as string);
    });
    r.get('/api/signed-documents/:id/verification', { config: { rateLimit: perAccountRateLimit(30, 'verifications of a stored document') }, schema: { tags, summary: 'Verify its signatures', params: IdParams, response: { 200: VerificationReport } } }, async (req) =>
      signing.verification(requireActor(req), req.params.id),
    );
    r.post('/api/signed-documents/:id/prepare', { config: { pdfJob: true, rateLimit: perAccountRateLimit(20, 'signature preparations') }, schema: { tags, summary: 'Prepare a signature made on the signer\'s device (token or PKCS#12 on the device)', params: IdParams, body: PrepareBody, response: { 200: PreparedSigning } } }, async (req) =>
      signing.prepare(requireActor(req), req.params.id, req.body),
    );
    r.get('/api/signed-documents/:id/preparations/:preparationId', { schema: { tags, summary: 'A prepared signature (the signer\'s own)', params: PreparationParams, response: { 200: PreparedSigning } } }, async (req) =>
      signing.preparation(requireActor(req), req.params.id, req.params.preparationId),
    );
    r.get('/api/signed-documents/:id/preparations/:preparationId/file', { schema: { tags, summary: 'The prepared PDF (empty signature), for the device to hash', params: PreparationParams, response: { 200: z.string().describe('the PDF (application/pdf)') } } }, async (req, reply) => {
      const bytes = await signing.preparedFile(requireActor(req), req.params.id, req.params.preparationId);
      return reply.type('application/pdf').header('Cache-Control', 'no-store').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as unknown as string);
    });
    r.post('/api/signed-documents/:id/finish', { config: { pdfJob: true, rateLimit: perAccountRateLimit(20, 'signatures') }, schema: { tags, summary: 'Finish with the signed attributes built on the device and its signature', params: IdParams, body: FinishBody, response: { 200: SignedDocument } } }, async (req) =>
      signing.finish(requireActor(req), req.params.id, req.body),
    );
  });
}
