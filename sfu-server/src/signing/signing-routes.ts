/**
 * /api/signing (trusted authorities, verify a PDF) and the meeting documents to sign:
 *   POST /api/meetings/:id/signed-documents          a PDF (body application/pdf) → a version to sign
 *   POST /api/signed-documents/:id/sign              multipart: p12 file + password → signed in memory
 *   POST /api/signed-documents/:id/prepare|finish    a PKCS#11 token signs the signed attributes
 * PDFs come as raw `application/pdf` bodies (up to 50 MiB) in this plugin's scope only; the rest of
 * the API keeps its 1 MiB JSON limit.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api/requests';
import { FinishBody, NewSignedDocumentQuery, P12SignFields, PrepareBody, PreparedSigning, SignedDocument, TrustAnchor, TrustAnchorBody, VerificationReport } from '../../../common/api/signing';
import { requireActor } from '../auth/http-auth';
import { AppError } from '../errors';
import { MAX_P12_BYTES } from './p12';
import { MAX_PDF_BYTES, type SigningService } from './signing-service';

function pdfBody(req: FastifyRequest): Uint8Array {
  const body = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('bad_request', 'send the PDF as the request body (Content-Type: application/pdf)');
  return new Uint8Array(body.buffer, body.byteOffset, body.length);
}

export async function registerSigningRoutes(app: FastifyInstance, signing: SigningService): Promise<void> {
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/pdf')) {
      scope.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES }, (_req, body, done) => done(null, body));
    }
    if (!scope.hasContentTypeParser('multipart/form-data')) await scope.register(multipart);
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
    r.post('/api/signing/verify', { bodyLimit: MAX_PDF_BYTES, schema: { tags, summary: 'Verify the signatures of a PDF (body: application/pdf)', response: { 200: VerificationReport } } }, async (req) =>
      signing.verify(requireActor(req), pdfBody(req)),
    );

    r.get('/api/meetings/:id/signed-documents', { schema: { tags, summary: "A meeting's documents to sign, every version", params: IdParams, response: { 200: z.array(SignedDocument) } } }, async (req) =>
      signing.list(requireActor(req), req.params.id),
    );
    r.post(
      '/api/meetings/:id/signed-documents',
      { bodyLimit: MAX_PDF_BYTES, schema: { tags, summary: 'Put up a PDF (a new version) for the chair and secretary to sign', params: IdParams, querystring: NewSignedDocumentQuery, response: { 201: SignedDocument } } },
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
    r.get('/api/signed-documents/:id/verification', { schema: { tags, summary: 'Verify its signatures', params: IdParams, response: { 200: VerificationReport } } }, async (req) =>
      signing.verification(requireActor(req), req.params.id),
    );
    r.post('/api/signed-documents/:id/sign', { schema: { tags, summary: 'Sign with a PKCS#12 file (multipart: p12, password, title, reason, location)', params: IdParams, response: { 200: SignedDocument } } }, async (req) => {
      const actor = requireActor(req);
      if (!req.isMultipart()) throw new AppError('bad_request', 'send a multipart form with the PKCS#12 file and its password');
      // Who may sign is answered before the file is read.
      await signing.assertCanSign(actor, req.params.id);
      let p12: Buffer | null = null;
      const fields: Record<string, string> = {};
      for await (const part of req.parts({ limits: { fileSize: MAX_P12_BYTES, files: 1, fields: 8, fieldSize: 4096 } })) {
        if (part.type === 'file') {
          if (part.fieldname !== 'p12') throw new AppError('bad_request', `unexpected file field ${part.fieldname}`);
          p12 = await part.toBuffer();
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
      if (!p12) throw new AppError('bad_request', 'the PKCS#12 file (field p12) is missing');
      const parsed = P12SignFields.safeParse(fields);
      if (!parsed.success) throw new AppError('bad_request', 'invalid fields', parsed.error.issues);
      return signing.signWithP12(actor, req.params.id, new Uint8Array(p12), parsed.data);
    });
    r.post('/api/signed-documents/:id/prepare', { schema: { tags, summary: 'Prepare a signature for a key held elsewhere (PKCS#11 token)', params: IdParams, body: PrepareBody, response: { 200: PreparedSigning } } }, async (req) =>
      signing.prepare(requireActor(req), req.params.id, req.body),
    );
    r.post('/api/signed-documents/:id/finish', { schema: { tags, summary: 'Finish a prepared signature with the signature value', params: IdParams, body: FinishBody, response: { 200: SignedDocument } } }, async (req) =>
      signing.finish(requireActor(req), req.params.id, req.body.preparationId, req.body.signature),
    );
  });
}
