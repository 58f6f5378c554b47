/**
 * A server's signing endpoints in memory, for the desktop app's main process (document-signing.ts):
 * a document version (a real PDF), its meeting, a real preparation made by the server's own code
 * (pades.ts) for a certificate, and the prepared PDF, served at the paths the app fetches. A test
 * may tamper with what is served to play a compromised server.
 */
import crypto from 'node:crypto';
import type { ServerGet } from '../../electron/main/document-signing';
import { orderChain, parseCertificate } from '../../sfu-server/src/signing/cms';
import { prepareSignature, type PreparedSignature } from '../../sfu-server/src/signing/pades';
import { makeSamplePdf } from './sample-pdf';

export const DOC_ID = '2b0e8e9e-7a53-4d0e-9a57-0d3f7c1b2a11';
export const MEETING_ID = '5f1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
export const PREP_ID = '7c9d1f20-5b1a-4c43-8e2e-3a4b5c6d7e8f';

export interface ServedDocument {
  original: Uint8Array;
  prepared: PreparedSignature;
  /** What the app fetched, in order. */
  fetched: string[];
  get: ServerGet;
  /** Replace what a path answers (a compromised server). */
  serve: Map<string, unknown>;
}

export async function servedDocument(certDer: Uint8Array, chainDer: Uint8Array[] = [], original?: Uint8Array): Promise<ServedDocument> {
  const pdf = original ?? (await makeSamplePdf({ title: 'Bien ban hop' }));
  const chain = orderChain(parseCertificate(certDer), chainDer.map(parseCertificate));
  const prepared = await prepareSignature(pdf, chain, { title: 'Chủ tọa' });
  const sha = crypto.createHash('sha256').update(pdf).digest('hex');
  const base = `/api/signed-documents/${DOC_ID}`;
  const serve = new Map<string, unknown>([
    [base, { id: DOC_ID, meetingId: MEETING_ID, title: 'Biên bản cuộc họp', version: 1, sha256: sha }],
    [`/api/meetings/${MEETING_ID}`, { id: MEETING_ID, title: 'Họp giao ban tháng 12' }],
    [`${base}/file`, pdf],
    [
      `${base}/preparations/${PREP_ID}`,
      {
        preparationId: PREP_ID,
        documentId: DOC_ID,
        documentSha256: sha,
        byteRange: [...prepared.prepared.byteRange],
        digest: Buffer.from(prepared.digest).toString('hex'),
        signingTime: prepared.signingTime.toISOString(),
        certificates: chain.map((c) => Buffer.from(c.toSchema(true).toBER(false)).toString('base64')),
        hashAlgorithm: 'SHA-256',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      },
    ],
    [`${base}/preparations/${PREP_ID}/file`, prepared.prepared.pdf],
  ]);
  const fetched: string[] = [];
  const get: ServerGet = async (path) => {
    fetched.push(path);
    const value = serve.get(path);
    if (value === undefined) return { status: 404, body: new Uint8Array(Buffer.from('{"code":"not_found"}')) };
    return { status: 200, body: value instanceof Uint8Array ? value : new Uint8Array(Buffer.from(JSON.stringify(value))) };
  };
  return { original: pdf, prepared, fetched, get, serve };
}
