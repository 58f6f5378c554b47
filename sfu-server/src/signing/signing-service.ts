/**
 * Signatures as a capability: trusted authorities (admin), verification of any PDF, and meeting
 * documents to sign — one row per version, signed by the meeting's chair and secretary, each once.
 * A version that has been signed never changes except by the next signature appended to it; a
 * change of content is a new version (the earlier ones become `superseded`) that needs signing again.
 *
 * One way to sign, whatever holds the key (a PKCS#11 token, a PKCS#12 file read in the desktop
 * app or in the browser): "prepare → sign on the device → finish". The server prepares the PDF
 * (an incremental update with an empty signature); the device downloads it, checks it extends the
 * document it shows, hashes its byte range, builds the CMS signed attributes and signs them; the
 * server accepts them only if their message-digest is the digest of what it prepared. No route
 * accepts a private key or its password. Preparations live in memory for 10 minutes, each keeping
 * only the update it appends (preparations.ts). Every PDF is parsed in a worker thread (pdf-jobs/).
 */
import { randomUUID } from 'node:crypto';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { NewSignedDocumentQuery, PrepareBody, PreparedSigning, SignedDocument, SignedDocumentStatus, SignerRole, TrustAnchor, VerificationReport } from '../../../common/api/signing';
import { can, canOnMeeting, type Actor, type MeetingFacts } from '../auth/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import { holds, removeTemporaries, writeDurably } from '../documents/durable-file';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import type { SignedDocumentsTable } from '../store/schema';
import { certificateDer, fingerprint, orderChain, parseCertificate, signedAttributesFromDer } from './cms';
import type { PdfJobs } from '../pdf-jobs/pdf-jobs';
import { finishWithDeviceAttributes, subjectFields, type PreparedSignature, type SignatureRequest } from './pades';
import { PreparationStore } from './preparations';
import { certificateTrust } from './verify';

/**
 * Largest PDF put up for signing. Documents to sign are minutes and decisions, not scanned packs:
 * 32 MiB is ample, and every byte of it is parsed (in a PDF worker, pdf-jobs/).
 */
export const MAX_PDF_BYTES = 32 * 1024 * 1024;
/** Largest PDF to verify: a document to sign plus room for its signatures (each adds tens of KB). */
export const MAX_VERIFY_BYTES = MAX_PDF_BYTES + 1024 * 1024;

interface Preparation {
  id: ReturnType<typeof randomUUID>;
  documentId: string;
  accountId: string;
  baseSha256: string;
  role: SignerRole;
  signature: PreparedSignature;
  expiresAt: number;
}

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

/** PEM (one certificate) or base64 DER → DER. */
export function certificateFromText(text: string): Uint8Array {
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  const b64 = (pem ? pem[1]! : text).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) throw new AppError('bad_request', 'not a PEM or base64 DER certificate');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** A version that has just received its last required signature, with its signed bytes. */
export interface FullySigned {
  id: string;
  meetingId: string;
  documentKey: string;
  title: string;
  fileName: string;
  pdf: Uint8Array;
  /** Who signed last. */
  by: string;
}

export class SigningService {
  /** Prepared and not yet finished: bounded in time, number and bytes (preparations.ts). */
  readonly #preparations: PreparationStore<Preparation>;
  readonly #dir: string;
  /** Told when a version becomes fully signed (the minutes put it into the pack); its failure does not undo the signature. */
  onFullySigned: ((doc: FullySigned) => Promise<void>) | null = null;

  constructor(
    readonly db: Db,
    readonly meetings: MeetingsService,
    dataDir: string,
    /** A meeting's signed documents changed (a new one or version, a signature). */
    readonly onChanged: (meetingId: string) => void = () => {},
    /** Where every PDF is parsed: worker threads with limits (pdf-jobs/). */
    readonly pdfJobs: PdfJobs,
  ) {
    this.#dir = path.join(dataDir, 'signed-documents');
    this.#preparations = new PreparationStore<Preparation>((sha) => this.#read(sha));
    // Temporary files of writes a crash interrupted (never acknowledged).
    removeTemporaries(this.#dir);
  }

  // ---- trusted authorities ------------------------------------------------------------------
  async listAnchors(actor: Actor): Promise<TrustAnchor[]> {
    if (!can(actor, 'signing.trust.manage')) throw forbidden('only admins manage trusted authorities');
    const rows = await this.db.selectFrom('trust_anchors').selectAll().orderBy('created_at').execute();
    return rows.map(anchorFromRow);
  }

  async addAnchor(actor: Actor, text: string): Promise<TrustAnchor> {
    if (!can(actor, 'signing.trust.manage')) throw forbidden('only admins manage trusted authorities');
    const der = certificateFromText(text);
    const cert = parseCertificate(der);
    const canonical = certificateDer(cert);
    const basic = cert.extensions?.find((e) => e.extnID === '2.5.29.19')?.parsedValue as { cA?: boolean } | undefined;
    if (!basic?.cA) throw new AppError('bad_request', 'this is not a CA certificate (basicConstraints cA is not set)', { reason: 'not_ca' });
    const fp = fingerprint(canonical);
    if (await this.db.selectFrom('trust_anchors').select('id').where('fingerprint', '=', fp).executeTakeFirst()) {
      throw new AppError('conflict', 'this authority is already trusted', { reason: 'duplicate' });
    }
    const s = subjectFields(cert);
    const issuer = cert.issuer.typesAndValues.filter((tv) => tv.type === '2.5.4.3').map((tv) => String(tv.value.valueBlock.value)).join(', ');
    const row = {
      id: randomUUID(),
      subject: s.commonName,
      organization: s.organization,
      issuer,
      fingerprint: fp,
      der_base64: Buffer.from(canonical).toString('base64'),
      not_before: cert.notBefore.value.toISOString(),
      not_after: cert.notAfter.value.toISOString(),
      added_by: actor.accountId,
      created_at: new Date().toISOString(),
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('trust_anchors').values(row).execute();
      await audit(tx, { actorId: actor.accountId, action: 'signing.trust.add', targetType: 'trust_anchor', targetId: row.id, details: { subject: row.subject, fingerprint: fp } });
    });
    return anchorFromRow(row);
  }

  async removeAnchor(actor: Actor, id: string): Promise<void> {
    if (!can(actor, 'signing.trust.manage')) throw forbidden('only admins manage trusted authorities');
    await this.db.transaction().execute(async (tx) => {
      const r = await tx.deleteFrom('trust_anchors').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) throw notFound('trusted authority');
      await audit(tx, { actorId: actor.accountId, action: 'signing.trust.remove', targetType: 'trust_anchor', targetId: id });
    });
  }

  async anchorsDer(): Promise<Uint8Array[]> {
    const rows = await this.db.selectFrom('trust_anchors').select('der_base64').execute();
    return rows.map((r) => new Uint8Array(Buffer.from(r.der_base64, 'base64')));
  }

  // ---- verification -------------------------------------------------------------------------
  async verify(actor: Actor, pdf: Uint8Array): Promise<VerificationReport> {
    if (!can(actor, 'signing.verify')) throw forbidden();
    return this.pdfJobs.verify(pdf, await this.anchorsDer(), { keep: false, owner: actor.accountId });
  }

  // ---- meeting documents to sign ------------------------------------------------------------
  async list(actor: Actor, meetingId: string): Promise<SignedDocument[]> {
    const facts = await this.meetings.authorize(actor, meetingId, 'meeting.view');
    const rows = await this.db.selectFrom('signed_documents').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('version').execute();
    return Promise.all(rows.map((r) => this.#toApi(actor, r, facts)));
  }

  async get(actor: Actor, id: string): Promise<SignedDocument> {
    const { row, facts } = await this.#row(actor, id);
    return this.#toApi(actor, row, facts);
  }

  async file(actor: Actor, id: string): Promise<{ bytes: Uint8Array; fileName: string }> {
    const { row } = await this.#row(actor, id);
    return { bytes: this.#read(row.sha256), fileName: row.file_name };
  }

  async verification(actor: Actor, id: string): Promise<VerificationReport> {
    const { row } = await this.#row(actor, id);
    return this.pdfJobs.verify(this.#read(row.sha256), await this.anchorsDer(), { keep: false, owner: actor.accountId });
  }

  /**
   * A new document to sign, or a new version of one (`q.documentKey`). The minutes' versions come
   * only from the minutes (`origin: 'minutes'`, MinutesService: the chair and the secretary, PDF
   * made from the record): an upload cannot replace them with another PDF.
   */
  async create(actor: Actor, meetingId: string, q: z.output<typeof NewSignedDocumentQuery>, pdf: Uint8Array, origin: 'upload' | 'minutes' = 'upload'): Promise<SignedDocument> {
    const facts = await this.meetings.authorize(actor, meetingId, 'document.prepareSigning');
    if (pdf.length > MAX_PDF_BYTES) throw new AppError('too_large', 'the PDF is too large');
    await this.pdfJobs.load(pdf, { owner: actor.accountId });
    const hash = await this.#write(pdf);
    const at = new Date().toISOString();
    const id = randomUUID();
    await this.db.transaction().execute(async (tx) => {
      let key: string = randomUUID();
      let version = 1;
      if (q.documentKey) {
        if (origin !== 'minutes') {
          const minutes = await tx.selectFrom('meeting_minutes').select('meeting_id').where('meeting_id', '=', meetingId).where('document_key', '=', q.documentKey).executeTakeFirst();
          if (minutes) throw new AppError('forbidden', 'the minutes get a new version only from the minutes section, by the chair or the secretary', { reason: 'minutes_rule' });
        }
        const latest = await tx.selectFrom('signed_documents').select(['version']).where('document_key', '=', q.documentKey).where('meeting_id', '=', meetingId).orderBy('version', 'desc').executeTakeFirst();
        if (!latest) throw notFound('document');
        key = q.documentKey;
        version = latest.version + 1;
        await tx.updateTable('signed_documents').set({ status: 'superseded', updated_at: at }).where('document_key', '=', key).where('status', '!=', 'superseded').execute();
      }
      await tx
        .insertInto('signed_documents')
        .values({ id, meeting_id: meetingId, document_key: key, version, title: q.title, file_name: q.fileName, sha256: hash, size: pdf.length, status: 'unsigned', created_by: actor.accountId, created_at: at, updated_at: at })
        .execute();
      await audit(tx, { actorId: actor.accountId, action: 'document.prepareSigning', targetType: 'signed_document', targetId: id, details: { meetingId, version, sha256: hash } });
    });
    const row = await this.db.selectFrom('signed_documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    this.onChanged(meetingId);
    return this.#toApi(actor, row, facts);
  }

  /** Step 1: the PDF with an empty signature for this signer, kept for the device to fetch. */
  async prepare(actor: Actor, id: string, body: z.output<typeof PrepareBody>): Promise<PreparedSigning> {
    const { row, role } = await this.#authorizeSign(actor, id);
    const certs = body.certificates.map((b64) => parseCertificate(new Uint8Array(Buffer.from(b64, 'base64'))));
    const chain = orderChain(certs[0]!, certs.slice(1));
    await this.#checkTrusted(chain[0]!, chain);
    const base = this.#read(row.sha256);
    const baseLength = base.length;
    // Prepared in a PDF worker (the bytes are handed over); the signed attributes come back as DER.
    const p = await this.pdfJobs.prepare(base, chain.map((c) => certificateDer(c)), this.#request(actor, role, body), { owner: actor.accountId });
    const signature: PreparedSignature = { prepared: { pdf: p.pdf, byteRange: p.byteRange, fieldName: p.fieldName }, attributes: signedAttributesFromDer(p.attributesDer), chain, signingTime: p.signingTime, digest: p.digest };
    const prep: Preparation = { id: randomUUID(), documentId: id, accountId: actor.accountId, baseSha256: row.sha256, role, signature, expiresAt: Date.now() + this.#preparations.limits.ttlMs };
    this.#preparations.put(prep, baseLength);
    return this.#preparationInfo(prep);
  }

  /** What was prepared (for the device: it reads this from the server, not from the page). */
  async preparation(actor: Actor, id: string, preparationId: string): Promise<PreparedSigning> {
    return this.#preparationInfo(await this.#ownPreparation(actor, id, preparationId));
  }

  /** The prepared PDF, for the device to check against the document and hash itself. */
  async preparedFile(actor: Actor, id: string, preparationId: string): Promise<Uint8Array> {
    return (await this.#ownPreparation(actor, id, preparationId)).signature.prepared.pdf;
  }

  /** Step 2: the signed attributes the device built and its signature over them. */
  async finish(actor: Actor, id: string, body: { preparationId: string; signedAttributes: string; signature: string }): Promise<SignedDocument> {
    const { row } = await this.#authorizeSign(actor, id);
    const prep = await this.#ownPreparation(actor, id, body.preparationId);
    const signed = finishWithDeviceAttributes(prep.signature, new Uint8Array(Buffer.from(body.signedAttributes, 'base64')), new Uint8Array(Buffer.from(body.signature, 'base64')));
    this.#preparations.delete(prep.id);
    return this.#storeSigned(actor, row, prep.baseSha256, signed, prep.role, prep.signature.chain[0]!);
  }

  async #ownPreparation(actor: Actor, id: string, preparationId: string): Promise<Preparation> {
    await this.#row(actor, id);
    const prep = await this.#preparations.get(preparationId);
    if (!prep || prep.documentId !== id || prep.accountId !== actor.accountId) throw new AppError('not_found', 'this signing preparation does not exist or has expired: sign again', { reason: 'preparation_expired' });
    return prep;
  }

  #preparationInfo(prep: Preparation): PreparedSigning {
    const s = prep.signature;
    return {
      preparationId: prep.id,
      documentId: prep.documentId,
      documentSha256: prep.baseSha256,
      byteRange: [...s.prepared.byteRange],
      digest: Buffer.from(s.digest).toString('hex'),
      signingTime: s.signingTime.toISOString(),
      certificates: s.chain.map((c) => Buffer.from(certificateDer(c)).toString('base64')),
      hashAlgorithm: 'SHA-256',
      expiresAt: new Date(prep.expiresAt).toISOString(),
    };
  }

  // ---- internals ----------------------------------------------------------------------------
  #request(actor: Actor, role: SignerRole, fields: { title: string; reason: string; location: string }): SignatureRequest {
    const roleTitle = role === 'chair' ? 'Chủ tọa' : 'Thư ký';
    return {
      title: fields.title || roleTitle,
      reason: fields.reason || `${roleTitle} ký`,
      ...(fields.location ? { location: fields.location } : {}),
    };
  }

  async #checkTrusted(signer: Parameters<typeof certificateTrust>[0], chain: Parameters<typeof certificateTrust>[1]): Promise<void> {
    const problem = await certificateTrust(signer, chain.slice(1), await this.anchorsDer(), new Date());
    if (problem === 'expired') throw new AppError('bad_request', 'the certificate is not valid now (expired or not yet valid)', { reason: 'cert_expired' });
    if (problem) throw new AppError('bad_request', 'the certificate does not chain to an authority the administrator trusts', { reason: 'untrusted_certificate' });
  }

  async #row(actor: Actor, id: string): Promise<{ row: SignedDocumentsTable; facts: MeetingFacts }> {
    const row = await this.db.selectFrom('signed_documents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('document');
    const facts = await this.meetings.authorize(actor, row.meeting_id, 'meeting.view').catch((err: unknown) => {
      throw err instanceof AppError && err.code === 'not_found' ? notFound('document') : err;
    });
    return { row, facts };
  }

  async #authorizeSign(actor: Actor, id: string): Promise<{ row: SignedDocumentsTable; role: SignerRole }> {
    const { row } = await this.#row(actor, id);
    const facts = await this.meetings.authorize(actor, row.meeting_id, 'document.sign');
    if (row.status === 'superseded') throw new AppError('conflict', 'a newer version of this document exists: sign that one', { reason: 'superseded' });
    const role = await this.#freeRole(actor, row.id, facts);
    if (!role) throw new AppError('conflict', 'you have already signed this version', { reason: 'already_signed' });
    return { row, role };
  }

  /** The role the actor may still sign this version in. One account signs a version once, even if it were both chair and secretary. */
  async #freeRole(actor: Actor, documentId: string, facts: MeetingFacts): Promise<SignerRole | null> {
    const rows = await this.db.selectFrom('document_signatures').select(['signer_role', 'account_id']).where('document_id', '=', documentId).execute();
    if (rows.some((r) => r.account_id === actor.accountId)) return null;
    const taken = new Set(rows.map((r) => r.signer_role));
    const mine: SignerRole[] = [...(actor.accountId === facts.chairId ? (['chair'] as const) : []), ...(actor.accountId === facts.secretaryId ? (['secretary'] as const) : [])];
    return mine.find((r) => !taken.has(r)) ?? null;
  }

  async #storeSigned(actor: Actor, row: SignedDocumentsTable, expectedSha: string, signed: Uint8Array, role: SignerRole, signer: Parameters<typeof certificateDer>[0]): Promise<SignedDocument> {
    // The signature just made must verify before it is kept.
    const report = await this.pdfJobs.verify(signed, await this.anchorsDer(), { owner: actor.accountId });
    const last = report.signatures[report.signatures.length - 1];
    if (!last?.intact || !last.coversWholeDocument) throw new AppError('bad_request', 'the signed document did not verify', { reason: 'signature_mismatch' });
    const hash = await this.#write(signed);
    const at = new Date().toISOString();
    let status = 'partially_signed' as SignedDocumentStatus;
    await this.db.transaction().execute(async (tx) => {
      const earlier = await tx.selectFrom('document_signatures').select(['signer_role', 'account_id']).where('document_id', '=', row.id).execute();
      if (earlier.some((s) => s.account_id === actor.accountId)) throw new AppError('conflict', 'you have already signed this version', { reason: 'already_signed' });
      const roles = new Set(earlier.map((r) => r.signer_role));
      roles.add(role);
      // Fully signed: the chair's and the secretary's signatures, by two different accounts (checked just above).
      status = roles.has('chair') && roles.has('secretary') ? 'signed' : 'partially_signed';
      const r = await tx.updateTable('signed_documents').set({ sha256: hash, size: signed.length, status, updated_at: at }).where('id', '=', row.id).where('sha256', '=', expectedSha).where('status', '!=', 'superseded').executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AppError('conflict', 'the document changed while you were signing: sign again', { reason: 'changed_meanwhile' });
      await tx
        .insertInto('document_signatures')
        .values({ id: randomUUID(), document_id: row.id, account_id: actor.accountId, signer_role: role, certificate_subject: subjectFields(signer).commonName, certificate_fingerprint: fingerprint(certificateDer(signer)), signed_at: at })
        .execute();
      await audit(tx, { actorId: actor.accountId, action: 'document.sign', targetType: 'signed_document', targetId: row.id, details: { role, sha256: hash, certificate: subjectFields(signer).commonName } });
    });
    if (status === 'signed') {
      await this.onFullySigned?.({ id: row.id, meetingId: row.meeting_id, documentKey: row.document_key, title: row.title, fileName: row.file_name, pdf: signed, by: actor.accountId });
    }
    this.onChanged(row.meeting_id);
    return this.get(actor, row.id);
  }

  async #toApi(actor: Actor, row: SignedDocumentsTable, facts: MeetingFacts): Promise<SignedDocument> {
    const sigs = await this.db
      .selectFrom('document_signatures')
      .innerJoin('accounts', 'accounts.id', 'document_signatures.account_id')
      .select(['document_signatures.account_id', 'accounts.display_name', 'document_signatures.signer_role', 'document_signatures.certificate_subject', 'document_signatures.signed_at'])
      .where('document_signatures.document_id', '=', row.id)
      .orderBy('document_signatures.signed_at')
      .execute();
    const freeRole = row.status !== 'superseded' && canOnMeeting(actor, 'document.sign', facts) ? await this.#freeRole(actor, row.id, facts) : null;
    // The minutes get versions only from the minutes section (create's minutes_rule): no upload offered.
    const isMinutes = (await this.db.selectFrom('meeting_minutes').select('meeting_id').where('meeting_id', '=', row.meeting_id).where('document_key', '=', row.document_key).executeTakeFirst()) !== undefined;
    return {
      id: row.id,
      meetingId: row.meeting_id,
      documentKey: row.document_key,
      version: row.version,
      title: row.title,
      fileName: row.file_name,
      sha256: row.sha256,
      size: row.size,
      status: row.status as SignedDocumentStatus,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      signatures: sigs.map((s) => ({ accountId: s.account_id, displayName: s.display_name, signerRole: s.signer_role as SignerRole, certificateSubject: s.certificate_subject, signedAt: s.signed_at })),
      can: { sign: freeRole !== null, newVersion: !isMinutes && canOnMeeting(actor, 'document.prepareSigning', facts) },
    };
  }

  /**
   * Stores the bytes durably (temporary file, fsync, rename, fsync of the folder: durable-file.ts)
   * before the row that points at them commits. A damaged copy already at that address (cut short
   * by a power cut) is replaced: storing the same bytes again repairs it.
   */
  async #write(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    const file = path.join(this.#dir, `${hash}.pdf`);
    if (!(await holds(file, hash))) await writeDurably(file, bytes);
    return hash;
  }

  /** The stored bytes, checked against their SHA-256: a missing or damaged file is reported, never used. */
  #read(hash: string): Uint8Array {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(fs.readFileSync(path.join(this.#dir, `${hash}.pdf`)));
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      bytes = new Uint8Array(0);
    }
    if (sha256(bytes) !== hash) throw new AppError('file_damaged', `the stored signed document ${hash} is missing or damaged (its bytes do not match their SHA-256)`, { sha256: hash }, 'apiErrors.file_damaged');
    return bytes;
  }
}

function anchorFromRow(r: { id: string; subject: string; organization: string; issuer: string; fingerprint: string; not_before: string; not_after: string; created_at: string }): TrustAnchor {
  return { id: r.id, subject: r.subject, organization: r.organization, issuer: r.issuer, fingerprint: r.fingerprint, notBefore: r.not_before, notAfter: r.not_after, createdAt: r.created_at };
}
