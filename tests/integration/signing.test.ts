/**
 * Signatures over HTTP against a real server: the admin trusts a test CA; the secretary puts up a
 * PDF to sign; the chair and the secretary sign on their device (prepare → the device fetches the
 * prepared PDF, builds the signed attributes and signs → finish); no route accepts a private key;
 * both signatures verify in the app and in pdfsig; a signed version is immutable (a change is a new
 * version that needs signing again); wrong people, untrusted certificates, signed attributes that
 * do not carry the prepared digest and stale preparations are refused and change nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedDocument, VerificationReport } from '../../common/api/signing';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { finishBodyFor, signOverHttp } from '../support/device-signer';
import { makeNssDb, pdfsig } from '../support/pdfsig';
import { makeSamplePdf } from '../support/sample-pdf';
import { makeSigner, makeTestCa, type TestCa, type TestSigner } from '../support/test-ca';
import { snapshot } from '../support/stores';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
let admin: TestApi;
let ca: TestCa;
let meeting: { id: string; chair: Person; secretary: Person };
let delegate: Person;
let chairCert: TestSigner;
let secretaryCert: TestSigner;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  ca = makeTestCa();
  chairCert = makeSigner(ca, 'Nguyễn Văn An');
  secretaryCert = makeSigner(ca, 'Trần Thị Bình');
  delegate = await person(admin, 'delegate', 'Đại biểu Lê Văn Dự');
  meeting = await liveMeeting(admin, [delegate], 'Họp ký biên bản');
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

async function raw(api: TestApi, method: string, path: string, body?: BodyInit, contentType?: string): Promise<{ status: number; body: any; bytes: Uint8Array }> {
  const headers: Record<string, string> = {};
  if (api.token) headers['authorization'] = `Bearer ${api.token}`;
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(server.url + path, { method, headers, ...(body ? { body } : {}) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    /* binary */
  }
  return { status: res.status, body: parsed, bytes };
}

async function putUp(api: TestApi, pdf: Uint8Array, title = 'Biên bản cuộc họp', documentKey?: string) {
  const q = new URLSearchParams({ title, fileName: 'bien-ban.pdf', ...(documentKey ? { documentKey } : {}) });
  return raw(api, 'POST', `/api/meetings/${meeting.id}/signed-documents?${q}`, Buffer.from(pdf), 'application/pdf');
}

const onDevice = (api: TestApi, docId: string, signer: TestSigner, title = '') => signOverHttp(api, docId, { key: signer.keyPem, certDer: signer.certDer, chainDer: [ca.der] }, title);

describe('trusted authorities', () => {
  it('only the admin manages them; a CA certificate is required; no duplicates', async () => {
    expect((await meeting.secretary.api.call('POST', '/api/signing/trust-anchors', { certificate: ca.pem })).status).toBe(403);
    expect((await admin.call('POST', '/api/signing/trust-anchors', { certificate: chairCert.certPem })).body).toMatchObject({ code: 'bad_request', details: { reason: 'not_ca' } });
    expect((await admin.call('POST', '/api/signing/trust-anchors', { certificate: 'x'.repeat(200) })).status).toBe(400);
    const added = await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
    expect(added).toMatchObject({ subject: 'Phòng họp Test Root CA', organization: 'Phòng họp (test)' });
    // The same certificate as base64 DER is the same authority.
    expect((await admin.call('POST', '/api/signing/trust-anchors', { certificate: Buffer.from(ca.der).toString('base64') })).status).toBe(409);
    expect((await admin.ok('GET', '/api/signing/trust-anchors')).map((a: { id: string }) => a.id)).toEqual([added.id]);
  });
});

describe('signing the minutes on the device: chair and secretary', () => {
  let doc: SignedDocument;
  let signedBytes: Uint8Array;

  it('the secretary puts up a PDF; a delegate may see it but not put one up', async () => {
    const pdf = await makeSamplePdf();
    expect((await putUp(delegate.api, pdf)).status).toBe(403);
    expect((await putUp(meeting.secretary.api, new Uint8Array(Buffer.from('not a pdf at all')))).body).toMatchObject({ code: 'bad_request' });
    const res = await putUp(meeting.secretary.api, pdf);
    expect(res.status).toBe(201);
    doc = res.body;
    expect(doc).toMatchObject({ version: 1, status: 'unsigned', signatures: [], can: { sign: true, newVersion: true } });
    const seen = await delegate.api.ok('GET', `/api/meetings/${meeting.id}/signed-documents`);
    expect(seen.map((d: SignedDocument) => [d.id, d.can.sign])).toEqual([[doc.id, false]]);
  });

  it('no route accepts a private key or its password: the PKCS#12 upload is gone', async () => {
    const before = await snapshot(server.store.db);
    const form = new FormData();
    form.set('password', 'pw');
    form.set('p12', new Blob([Buffer.from(chairCert.p12('pw'))], { type: 'application/x-pkcs12' }), 'id.p12');
    expect((await raw(meeting.chair.api, 'POST', `/api/signed-documents/${doc.id}/sign`, form)).status).toBe(404);
    // Nor does any route the API describes take a key, a PKCS#12 file or a signing password, and no signing route ends in /sign.
    const openapi = await admin.ok('GET', '/api/openapi.json');
    const text = JSON.stringify(openapi);
    expect(text).not.toMatch(/multipart\/form-data|pkcs12|"p12"|privateKey|"password":[^}]*sign/i);
    const signingPaths = Object.keys(openapi.paths).filter((p) => p.includes('signed-documents') || p.includes('/signing'));
    expect(signingPaths.some((p) => p.endsWith('/sign'))).toBe(false);
    expect(await snapshot(server.store.db)).toEqual(before);
  });

  it('a delegate and the admin cannot sign; an untrusted certificate changes nothing', async () => {
    const before = await snapshot(server.store.db);
    expect((await onDevice(delegate.api, doc.id, chairCert)).status).toBe(403);
    expect((await onDevice(admin, doc.id, chairCert)).status).toBe(403);
    const stranger = makeSigner(makeTestCa('Unknown CA'), 'Lê Văn Lạ');
    expect((await onDevice(meeting.chair.api, doc.id, stranger)).body).toMatchObject({ code: 'bad_request', details: { reason: 'untrusted_certificate' } });
    expect(await snapshot(server.store.db)).toEqual(before);
  });

  it('the chair signs on the device', async () => {
    const res = await onDevice(meeting.chair.api, doc.id, chairCert, 'Chủ tọa cuộc họp');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'partially_signed', signatures: [{ signerRole: 'chair', certificateSubject: 'Nguyễn Văn An', accountId: meeting.chair.id }], can: { sign: false } });
    expect((await onDevice(meeting.chair.api, doc.id, chairCert)).body).toMatchObject({ code: 'conflict', details: { reason: 'already_signed' } });
  });

  it('the secretary signs on the device; signed attributes over another digest, another person\'s preparation and a wrong signature are refused', async () => {
    const sec = meeting.secretary.api;
    const prep = await raw(sec, 'POST', `/api/signed-documents/${doc.id}/prepare`, JSON.stringify({ certificates: [Buffer.from(secretaryCert.certDer).toString('base64')] }), 'application/json');
    expect(prep.status).toBe(200);
    const current: SignedDocument = await sec.ok('GET', `/api/signed-documents/${doc.id}`);
    expect(prep.body).toMatchObject({ hashAlgorithm: 'SHA-256', documentId: doc.id, documentSha256: current.sha256 });
    // Only the secretary may fetch what was prepared for her.
    const preparedPath = `/api/signed-documents/${doc.id}/preparations/${prep.body.preparationId}/file`;
    expect((await raw(meeting.chair.api, 'GET', preparedPath)).status).toBe(404);
    expect((await raw(delegate.api, 'GET', preparedPath)).status).toBe(404);
    const prepared = (await raw(sec, 'GET', preparedPath)).bytes;
    const original = (await raw(sec, 'GET', `/api/signed-documents/${doc.id}/file`)).bytes;
    const holder = { key: secretaryCert.keyPem, certDer: secretaryCert.certDer };
    const good = await finishBodyFor(prep.body, original, prepared, holder);
    const finish = (api: TestApi, body: unknown) => raw(api, 'POST', `/api/signed-documents/${doc.id}/finish`, JSON.stringify(body), 'application/json');
    // The chair cannot finish the secretary's preparation.
    expect((await finish(meeting.chair.api, good)).status).toBe(409);
    // Attributes a device built over other bytes (another document's digest), validly signed: refused.
    const otherPdf = await makeSamplePdf({ title: 'Quyet dinh khac' });
    const fakePrepared = new Uint8Array([...otherPdf, ...prepared.subarray(original.length)]);
    const shifted = { ...prep.body, byteRange: [0, prep.body.byteRange[1] - original.length + otherPdf.length, prep.body.byteRange[2] - original.length + otherPdf.length, prep.body.byteRange[3]] };
    const elsewhere = await finishBodyFor(shifted, otherPdf, fakePrepared, holder);
    expect((await finish(sec, elsewhere)).body).toMatchObject({ code: 'bad_request', details: { reason: 'signature_mismatch' } });
    // A wrong signature value over the right attributes: refused.
    const wrong = crypto.sign('sha256', Buffer.from('something else'), secretaryCert.keyPem).toString('base64');
    expect((await finish(sec, { ...good, signature: wrong })).body).toMatchObject({ details: { reason: 'signature_mismatch' } });

    const res = await finish(sec, good);
    expect(res.status).toBe(200);
    doc = res.body;
    expect(doc.status).toBe('signed');
    expect(doc.signatures.map((s) => [s.signerRole, s.certificateSubject])).toEqual([
      ['chair', 'Nguyễn Văn An'],
      ['secretary', 'Trần Thị Bình'],
    ]);
  });

  it('both signatures verify: in the app (stored and uploaded) and in pdfsig', async () => {
    const file = await raw(delegate.api, 'GET', `/api/signed-documents/${doc.id}/file`);
    expect(file.status).toBe(200);
    signedBytes = file.bytes;
    expect(crypto.createHash('sha256').update(signedBytes).digest('hex')).toBe(doc.sha256);
    const stored: VerificationReport = await delegate.api.ok('GET', `/api/signed-documents/${doc.id}/verification`);
    const uploaded = await raw(delegate.api, 'POST', '/api/signing/verify', Buffer.from(signedBytes), 'application/pdf');
    for (const report of [stored, uploaded.body as VerificationReport]) {
      expect(report.signatures.map((s) => [s.signerName, s.intact, s.trusted, s.coversWholeDocument, s.modifiedAfter])).toEqual([
        ['Nguyễn Văn An', true, true, false, 'signed_revisions'],
        ['Trần Thị Bình', true, true, true, 'none'],
      ]);
    }
    // pdfsig (poppler) agrees; scripts/setup.sh --test installs it, so this never goes unchecked.
    const nss = makeNssDb([ca.pem]);
    try {
      expect(pdfsig(signedBytes, nss).map((s) => [s.commonName, s.signatureValid, s.certificateTrusted])).toEqual([
        ['Nguyễn Văn An', true, true],
        ['Trần Thị Bình', true, true],
      ]);
    } finally {
      fs.rmSync(nss, { recursive: true, force: true });
    }
  });

  it('a byte changed: the uploaded copy is shown invalid', async () => {
    const changed = new Uint8Array(signedBytes);
    changed[100] = changed[100] === 0x20 ? 0x21 : 0x20;
    const r = await raw(delegate.api, 'POST', '/api/signing/verify', Buffer.from(changed), 'application/pdf');
    expect(r.body.signatures.map((s: { intact: boolean; problem: string }) => [s.intact, s.problem])).toEqual([
      [false, 'digest_mismatch'],
      [false, 'digest_mismatch'],
    ]);
  });

  it('a signed version is immutable: a change is version 2, which needs signing again', async () => {
    const v2 = await putUp(meeting.secretary.api, await makeSamplePdf({ title: 'Bien ban (sua doi)' }), 'Biên bản cuộc họp', doc.documentKey);
    expect(v2.body).toMatchObject({ version: 2, status: 'unsigned', documentKey: doc.documentKey, can: { sign: true } });
    const list: SignedDocument[] = await meeting.chair.api.ok('GET', `/api/meetings/${meeting.id}/signed-documents`);
    expect(list.map((d) => [d.version, d.status])).toEqual([
      [1, 'superseded'],
      [2, 'unsigned'],
    ]);
    // The old version keeps its bytes and signatures, and cannot be signed any more.
    const old = await raw(meeting.chair.api, 'GET', `/api/signed-documents/${doc.id}/file`);
    expect(Buffer.from(old.bytes).equals(Buffer.from(signedBytes))).toBe(true);
    expect((await onDevice(meeting.secretary.api, doc.id, secretaryCert)).body).toMatchObject({ code: 'conflict' });
    const signed = await onDevice(meeting.chair.api, v2.body.id, chairCert);
    expect(signed.body).toMatchObject({ version: 2, status: 'partially_signed' });
  });

  it('an outsider does not see the documents; anonymous callers are refused', async () => {
    const outsider = await person(admin, 'delegate', 'Người ngoài Vũ Văn Ngoài');
    expect((await outsider.api.call('GET', `/api/meetings/${meeting.id}/signed-documents`)).status).toBe(404);
    expect((await outsider.api.call('GET', `/api/signed-documents/${doc.id}`)).status).toBe(404);
    expect((await new TestApi(server.url).call('GET', `/api/signed-documents/${doc.id}/verification`)).status).toBe(401);
    expect((await raw(new TestApi(server.url), 'POST', '/api/signing/verify', Buffer.from(signedBytes), 'application/pdf')).status).toBe(401);
  });

  it('bad input gets a clear error and changes nothing', async () => {
    const before = await snapshot(server.store.db);
    const sec = meeting.secretary.api;
    const v = (body: BodyInit, type?: string) => raw(sec, 'POST', '/api/signing/verify', body, type);
    expect((await v(Buffer.from('hello'), 'application/pdf')).body).toMatchObject({ code: 'bad_request', message: 'not a PDF file' });
    expect((await v(JSON.stringify({ pdf: 'x' }), 'application/json')).body).toMatchObject({ code: 'bad_request' });
    expect((await v(Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(100)), 'application/pdf')).body).toMatchObject({ signatures: [] });
    // A signature whose ByteRange points outside the file.
    const forged = Buffer.from('%PDF-1.4\n1 0 obj <</Type/Sig/ByteRange [0 10 999999 5]/Contents <3000>>> endobj\n%%EOF\n');
    expect((await v(forged, 'application/pdf')).body.signatures).toMatchObject([{ intact: false, problem: 'bad_byte_range' }]);
    const [current] = (await sec.ok('GET', `/api/meetings/${meeting.id}/signed-documents`)).filter((d: SignedDocument) => d.status !== 'superseded');
    const id = current.id as string;
    const post = (path: string, body: unknown) => raw(sec, 'POST', `/api/signed-documents/${id}/${path}`, JSON.stringify(body), 'application/json');
    expect((await post('prepare', { certificates: ['bm90IGEgY2VydGlmaWNhdGU='] })).body).toMatchObject({ code: 'bad_request' });
    expect((await post('prepare', { certificates: [] })).status).toBe(400);
    expect((await post('finish', { preparationId: crypto.randomUUID(), signedAttributes: 'MQA=', signature: 'AAAA' })).body).toMatchObject({ code: 'not_found', details: { reason: 'preparation_expired' } });
    expect((await post('finish', { preparationId: crypto.randomUUID(), signature: 'AAAA' })).status).toBe(400);
    expect((await sec.call('GET', `/api/signed-documents/${id}/preparations/${crypto.randomUUID()}`)).body).toMatchObject({ code: 'not_found', details: { reason: 'preparation_expired' } });
    expect((await sec.call('GET', `/api/signed-documents/not-a-uuid`)).status).toBe(400);
    expect(await snapshot(server.store.db)).toEqual(before);
  });
});
