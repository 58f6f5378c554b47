/**
 * The paperless meeting pack: secretaries attach PDFs to agenda items (validated, stored by
 * SHA-256), replace them with new versions, mark them confidential, publish the pack; invitees
 * read it; everyone who may read a document or agenda item comments on it. Implements
 * `DocumentAccess` for the other capabilities (annotations, signatures, minutes).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { z } from 'zod';
import type { CommentBody, DocComment, DocumentPack, DocumentPatch, DocumentVersion, MeetingDocument, PackItem } from '../../../common/api/documents';
import type { Role } from '../../../common/api/model';
import type { Notifications } from '../../../common/protocol';
import { AccessChanges } from '../access/access-changes';
import { canManageDocuments, canOnMeeting, canReadDocuments, type Actor, type DocumentFacts, type MeetingFacts } from '../auth/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import type { DocumentAccess } from './access';
import { FileStore, type Received } from './file-store';
import { asUploadRefusal, type PdfJobs } from '../pdf-jobs/pdf-jobs';
import { PdfRefused } from './pdf-check';

/** Who a room peer is, for deciding which pushes it may receive. */
export interface Reader {
  accountId: string;
  role: string;
}

/** Sends a notification to the peers of a meeting's room that `filter` accepts. */
export type RoomNotifier = <N extends keyof Notifications>(meetingId: string, name: N, data: Notifications[N], filter?: (reader: Reader) => boolean) => void;

export interface IncomingFile {
  fileName: string;
  stream: Readable;
}

interface DocRow {
  id: string;
  meeting_id: string;
  agenda_item_id: string;
  title: string;
  confidential: number;
  allowed_roles: string;
  watermark: number | null;
}

type Facts = MeetingFacts & { title: string };

const roles = (json: string): Role[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v.filter((x) => typeof x === 'string') as Role[]) : [];
  } catch {
    return [];
  }
};

/** A file name fit to show and to send back in Content-Disposition: no path, no control characters, bounded. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean || 'tai-lieu.pdf';
}

const titleOf = (fileName: string) => fileName.replace(/\.pdf$/i, '').trim() || fileName;

export class DocumentsService implements DocumentAccess {
  constructor(
    readonly db: Db,
    readonly meetings: MeetingsService,
    readonly files: FileStore,
    readonly maxBytes: number,
    readonly notifyRoom: RoomNotifier = () => {},
    /** Where the upload check parses the file: a PDF worker thread with limits (pdf-jobs/). */
    readonly pdfJobs: PdfJobs,
  ) {}

  // ---- permissions ------------------------------------------------------------------------

  /** The meeting's facts, if the actor may see the meeting at all (else not_found, as for meetings). */
  async #facts(actor: Actor, meetingId: string): Promise<Facts> {
    const facts = await this.meetings.facts(actor, meetingId);
    if (!canOnMeeting(actor, 'meeting.view', facts)) throw notFound('meeting');
    return facts;
  }

  async #published(meetingId: string): Promise<{ published: boolean; publishedAt: string | null; watermark: boolean }> {
    const row = await this.db.selectFrom('document_packs').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
    return { published: Boolean(row?.published_at), publishedAt: row?.published_at ?? null, watermark: Boolean(row?.watermark) };
  }

  async #docFacts(doc: DocRow): Promise<DocumentFacts> {
    const readers = doc.confidential ? (await this.db.selectFrom('document_readers').select('account_id').where('document_id', '=', doc.id).execute()).map((r) => r.account_id) : [];
    return { confidential: Boolean(doc.confidential), allowedRoles: roles(doc.allowed_roles), readers };
  }

  async #doc(documentId: string): Promise<DocRow> {
    const doc = await this.db.selectFrom('documents').select(['id', 'meeting_id', 'agenda_item_id', 'title', 'confidential', 'allowed_roles', 'watermark']).where('id', '=', documentId).executeTakeFirst();
    if (!doc) throw notFound('document');
    return doc;
  }

  /** The document, if the actor may read it; not_found otherwise (its existence is not revealed). */
  async #readable(actor: Actor, documentId: string): Promise<{ doc: DocRow; facts: Facts; docFacts: DocumentFacts }> {
    const doc = await this.#doc(documentId);
    let facts: Facts;
    try {
      facts = await this.#facts(actor, doc.meeting_id);
    } catch {
      throw notFound('document');
    }
    const pack = await this.#published(doc.meeting_id);
    const docFacts = await this.#docFacts(doc);
    if (!canReadDocuments(actor, facts, pack.published, docFacts)) throw notFound('document');
    return { doc, facts, docFacts };
  }

  async #manageable(actor: Actor, meetingId: string): Promise<Facts> {
    const facts = await this.#facts(actor, meetingId);
    if (!canManageDocuments(actor, facts)) throw forbidden('only the meeting’s organisers manage its documents, until it ends');
    return facts;
  }

  /** Checks before an upload is read: the caller may add documents to this agenda item. */
  async checkUpload(actor: Actor, meetingId: string, agendaItemId: string): Promise<void> {
    await this.#manageable(actor, meetingId);
    const item = await this.db.selectFrom('agenda_items').select('id').where('id', '=', agendaItemId).where('meeting_id', '=', meetingId).executeTakeFirst();
    if (!item) throw new AppError('bad_request', 'the agenda item is not in this meeting', { field: 'agendaItemId' });
  }

  /** Checks before a new version is read: the caller may replace this document. */
  async checkNewVersion(actor: Actor, documentId: string): Promise<void> {
    const doc = await this.#doc(documentId);
    try {
      await this.#manageable(actor, doc.meeting_id);
    } catch (err) {
      // Someone who cannot even read it learns nothing about it.
      if (err instanceof AppError && err.code === 'forbidden') {
        const readable = await this.#readable(actor, documentId).then(() => true, () => false);
        if (readable) throw err;
      }
      throw notFound('document');
    }
  }

  // ---- DocumentAccess ---------------------------------------------------------------------

  /** Told when who may read a document changes (open annotation connections are checked again); server.ts sets the server's. */
  accessChanges = new AccessChanges();

  async readableMeeting(actor: Actor, documentId: string): Promise<string | null> {
    try {
      return (await this.#readable(actor, documentId)).doc.meeting_id;
    } catch {
      return null;
    }
  }

  /** For pushes to a room: may this peer (joined, so invited or organiser) read this document? */
  async roomReaderFilter(meetingId: string, documentId: string | null): Promise<(reader: Reader) => boolean> {
    const m = await this.db.selectFrom('meetings').select(['status', 'chair_id', 'secretary_id', 'created_by']).where('id', '=', meetingId).executeTakeFirst();
    if (!m) return () => false;
    const pack = await this.#published(meetingId);
    const doc = documentId ? await this.#doc(documentId).catch(() => null) : null;
    if (documentId && !doc) return () => false;
    const docFacts = doc ? await this.#docFacts(doc) : undefined;
    const facts: MeetingFacts = { status: m.status as MeetingFacts['status'], chairId: m.chair_id, secretaryId: m.secretary_id, createdBy: m.created_by, invited: true };
    return (reader) => canReadDocuments({ accountId: reader.accountId, role: reader.role as Role, sessionId: '', displayName: '', unitId: null, bridgePointId: null }, facts, pack.published, docFacts);
  }

  // ---- reading ----------------------------------------------------------------------------

  async pack(actor: Actor, meetingId: string): Promise<DocumentPack> {
    const facts = await this.#facts(actor, meetingId);
    const pack = await this.#published(meetingId);
    const canManage = canManageDocuments(actor, facts);
    const agenda = await this.db.selectFrom('agenda_items').select(['id', 'position', 'title']).where('meeting_id', '=', meetingId).orderBy('position').execute();
    const items: PackItem[] = agenda.map((a) => ({ agendaItemId: a.id, position: a.position, title: a.title, documents: [] }));
    const base = { meetingId, meetingTitle: facts.title, published: pack.published, publishedAt: pack.publishedAt, watermark: pack.watermark, canManage };
    if (!canReadDocuments(actor, facts, pack.published)) return { ...base, items };

    const docs = await this.db.selectFrom('documents').select(['id', 'meeting_id', 'agenda_item_id', 'title', 'confidential', 'allowed_roles', 'watermark']).where('meeting_id', '=', meetingId).orderBy('created_at').execute();
    const ids = docs.map((d) => d.id);
    const versions = ids.length
      ? await this.db
          .selectFrom('document_versions')
          .innerJoin('accounts', 'accounts.id', 'document_versions.uploaded_by')
          .select(['document_versions.id', 'document_id', 'number', 'file_name', 'size', 'sha256', 'page_count', 'uploaded_at', 'accounts.display_name'])
          .where('document_id', 'in', ids)
          .orderBy('number', 'desc')
          .execute()
      : [];
    const readers = ids.length ? await this.db.selectFrom('document_readers').select(['document_id', 'account_id']).where('document_id', 'in', ids).execute() : [];
    const byItem = new Map(items.map((i) => [i.agendaItemId, i]));
    const other: PackItem = { agendaItemId: null, position: items.length + 1, title: '', documents: [] };
    for (const d of docs) {
      const docReaders = readers.filter((r) => r.document_id === d.id).map((r) => r.account_id);
      const docFacts: DocumentFacts = { confidential: Boolean(d.confidential), allowedRoles: roles(d.allowed_roles), readers: docReaders };
      if (!canReadDocuments(actor, facts, pack.published, docFacts)) continue;
      const vs: DocumentVersion[] = versions
        .filter((v) => v.document_id === d.id)
        .map((v) => ({ id: v.id, number: v.number, fileName: v.file_name, size: Number(v.size), sha256: v.sha256, pageCount: v.page_count, uploadedAt: v.uploaded_at, uploadedBy: v.display_name }));
      if (!vs.length) continue;
      const item = byItem.get(d.agenda_item_id);
      const doc: MeetingDocument = {
        id: d.id,
        meetingId,
        agendaItemId: item ? d.agenda_item_id : null,
        title: d.title,
        confidential: docFacts.confidential,
        // Who else may read it is the organisers' business.
        allowedRoles: canManage ? docFacts.allowedRoles.slice() as Role[] : [],
        allowedAccountIds: canManage ? docReaders : [],
        watermarkSetting: d.watermark === null ? null : Boolean(d.watermark),
        watermark: docFacts.confidential || (d.watermark === null ? pack.watermark : Boolean(d.watermark)),
        versions: vs,
      };
      (item ?? other).documents.push(doc);
    }
    if (other.documents.length) items.push(other);
    return { ...base, items };
  }

  /** The stored file of a version (its hash checked), if the actor may read its document. */
  async openVersion(actor: Actor, documentId: string, versionId: string): Promise<{ path: string; fileName: string; confidential: boolean; sha256: string; size: number }> {
    const { doc } = await this.#readable(actor, documentId);
    const v = await this.db.selectFrom('document_versions').select(['file_name', 'sha256', 'size']).where('id', '=', versionId).where('document_id', '=', doc.id).executeTakeFirst();
    if (!v) throw notFound('version');
    // Checked against its SHA-256 before it is served: a damaged file is reported, not sent.
    return { path: await this.files.verified(v.sha256, Number(v.size)), fileName: v.file_name, confidential: Boolean(doc.confidential), sha256: v.sha256, size: Number(v.size) };
  }

  // ---- changing ---------------------------------------------------------------------------

  /**
   * Stores an uploaded file after checking it is a real PDF within the limit. A refused file
   * leaves nothing behind (neither a file nor a row).
   */
  /** `owner`: the account whose PDF jobs it counts against (none for the server's own, e.g. the signed minutes). */
  async #accept(owner: string | undefined, file: IncomingFile, tooLarge: () => boolean): Promise<{ received: Received; pageCount: number }> {
    let received: Received;
    try {
      received = await this.files.receive(file.stream);
    } catch (err) {
      if (tooLarge() || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw this.tooLarge();
      throw err;
    }
    try {
      if (tooLarge() || received.size > this.maxBytes) throw this.tooLarge();
      const { pageCount } = await this.pdfJobs.check(received.tmpPath, { owner }).catch((err: unknown) => {
        throw asUploadRefusal(err);
      });
      await this.files.commit(received);
      return { received, pageCount };
    } catch (err) {
      await this.files.discard(received.tmpPath);
      throw err;
    }
  }

  tooLarge(): PdfRefused {
    return new PdfRefused('tooLarge', `the file is larger than ${Math.round((this.maxBytes / 1024 / 1024) * 100) / 100} MB`);
  }

  async upload(actor: Actor, meetingId: string, agendaItemId: string, file: IncomingFile, tooLarge: () => boolean): Promise<MeetingDocument> {
    await this.checkUpload(actor, meetingId, agendaItemId);
    const { received, pageCount } = await this.#accept(actor.accountId, file, tooLarge);
    const id = randomUUID();
    const at = new Date().toISOString();
    const fileName = cleanFileName(file.fileName);
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('documents').values({ id, meeting_id: meetingId, agenda_item_id: agendaItemId, title: titleOf(fileName), confidential: 0, allowed_roles: '[]', watermark: null, created_by: actor.accountId, created_at: at, updated_at: at }).execute();
      await tx.insertInto('document_versions').values({ id: randomUUID(), document_id: id, number: 1, file_name: fileName, size: received.size, sha256: received.sha256, page_count: pageCount, uploaded_by: actor.accountId, uploaded_at: at }).execute();
      await audit(tx, { actorId: actor.accountId, action: 'document.upload', targetType: 'document', targetId: id, details: { meetingId, agendaItemId, sha256: received.sha256, size: received.size, pageCount } });
    });
    await this.#changed(meetingId);
    return this.#one(actor, meetingId, id);
  }

  async addVersion(actor: Actor, documentId: string, file: IncomingFile, tooLarge: () => boolean): Promise<MeetingDocument> {
    await this.checkNewVersion(actor, documentId);
    const doc = await this.#doc(documentId);
    const { received, pageCount } = await this.#accept(actor.accountId, file, tooLarge);
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      const last = await tx.selectFrom('document_versions').select('number').where('document_id', '=', documentId).orderBy('number', 'desc').executeTakeFirst();
      const number = (last?.number ?? 0) + 1;
      await tx.insertInto('document_versions').values({ id: randomUUID(), document_id: documentId, number, file_name: cleanFileName(file.fileName), size: received.size, sha256: received.sha256, page_count: pageCount, uploaded_by: actor.accountId, uploaded_at: at }).execute();
      await tx.updateTable('documents').set({ updated_at: at }).where('id', '=', documentId).execute();
      await audit(tx, { actorId: actor.accountId, action: 'document.version', targetType: 'document', targetId: documentId, details: { number, sha256: received.sha256, size: received.size, pageCount } });
    });
    await this.#changed(doc.meeting_id);
    return this.#one(actor, doc.meeting_id, documentId);
  }

  /**
   * Puts a PDF into the pack for another capability that has already decided it belongs there (the
   * fully signed minutes): a new document outside the agenda, or a new version of `documentId`.
   * Whatever the meeting's status. Returns the document's id.
   */
  async addFromCapability(meetingId: string, documentId: string | null, title: string, fileName: string, pdf: Uint8Array, by: string): Promise<string> {
    const { received, pageCount } = await this.#accept(undefined, { fileName, stream: Readable.from([Buffer.from(pdf)]) }, () => false);
    const id = documentId ?? randomUUID();
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      if (!documentId) {
        await tx.insertInto('documents').values({ id, meeting_id: meetingId, agenda_item_id: 'outside-agenda', title, confidential: 0, allowed_roles: '[]', watermark: null, created_by: by, created_at: at, updated_at: at }).execute();
      }
      const last = await tx.selectFrom('document_versions').select('number').where('document_id', '=', id).orderBy('number', 'desc').executeTakeFirst();
      const number = (last?.number ?? 0) + 1;
      await tx.insertInto('document_versions').values({ id: randomUUID(), document_id: id, number, file_name: fileName, size: received.size, sha256: received.sha256, page_count: pageCount, uploaded_by: by, uploaded_at: at }).execute();
      await tx.updateTable('documents').set({ updated_at: at }).where('id', '=', id).execute();
      await audit(tx, { actorId: by, action: documentId ? 'document.version' : 'document.upload', targetType: 'document', targetId: id, details: { meetingId, number, sha256: received.sha256, size: received.size, pageCount } });
    });
    await this.#changed(meetingId);
    return id;
  }

  async update(actor: Actor, documentId: string, patch: z.output<typeof DocumentPatch>): Promise<MeetingDocument> {
    await this.checkNewVersion(actor, documentId);
    const doc = await this.#doc(documentId);
    if (patch.agendaItemId) {
      const item = await this.db.selectFrom('agenda_items').select('id').where('id', '=', patch.agendaItemId).where('meeting_id', '=', doc.meeting_id).executeTakeFirst();
      if (!item) throw new AppError('bad_request', 'the agenda item is not in this meeting', { field: 'agendaItemId' });
    }
    if (patch.allowedAccountIds?.length) {
      const unique = [...new Set(patch.allowedAccountIds)];
      const found = await this.db.selectFrom('accounts').select('id').where('id', 'in', unique).execute();
      if (found.length !== unique.length) throw new AppError('bad_request', 'unknown accounts', { field: 'allowedAccountIds' });
    }
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('documents')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.agendaItemId !== undefined ? { agenda_item_id: patch.agendaItemId } : {}),
          ...(patch.confidential !== undefined ? { confidential: patch.confidential ? 1 : 0 } : {}),
          ...(patch.allowedRoles !== undefined ? { allowed_roles: JSON.stringify([...new Set(patch.allowedRoles)]) } : {}),
          ...(patch.watermarkSetting !== undefined ? { watermark: patch.watermarkSetting === null ? null : patch.watermarkSetting ? 1 : 0 } : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', documentId)
        .execute();
      if (patch.allowedAccountIds !== undefined) {
        await tx.deleteFrom('document_readers').where('document_id', '=', documentId).execute();
        const unique = [...new Set(patch.allowedAccountIds)];
        if (unique.length) await tx.insertInto('document_readers').values(unique.map((a) => ({ document_id: documentId, account_id: a }))).execute();
      }
      await audit(tx, { actorId: actor.accountId, action: 'document.update', targetType: 'document', targetId: documentId, details: patch });
    });
    if (patch.confidential !== undefined || patch.allowedRoles !== undefined || patch.allowedAccountIds !== undefined) {
      this.accessChanges.publish({ kind: 'document', meetingId: doc.meeting_id, documentId });
    }
    await this.#changed(doc.meeting_id);
    return this.#one(actor, doc.meeting_id, documentId);
  }

  async remove(actor: Actor, documentId: string): Promise<void> {
    await this.checkNewVersion(actor, documentId);
    const doc = await this.#doc(documentId);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('document_comments').where('document_id', '=', documentId).execute();
      await tx.deleteFrom('documents').where('id', '=', documentId).execute();
      await audit(tx, { actorId: actor.accountId, action: 'document.delete', targetType: 'document', targetId: documentId, details: { meetingId: doc.meeting_id, title: doc.title } });
    });
    this.accessChanges.publish({ kind: 'document', meetingId: doc.meeting_id, documentId });
    // The file stays: it is content-addressed and may be shared by other versions; it is listed in the audit log.
    await this.#changed(doc.meeting_id);
  }

  async publish(actor: Actor, meetingId: string): Promise<DocumentPack> {
    await this.#manageable(actor, meetingId);
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      const done = await tx.updateTable('document_packs').set({ published_at: at, published_by: actor.accountId }).where('meeting_id', '=', meetingId).executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) await tx.insertInto('document_packs').values({ meeting_id: meetingId, published_at: at, published_by: actor.accountId, watermark: 0 }).execute();
      await audit(tx, { actorId: actor.accountId, action: 'documents.publish', targetType: 'meeting', targetId: meetingId });
    });
    await this.#changed(meetingId);
    return this.pack(actor, meetingId);
  }

  async setWatermark(actor: Actor, meetingId: string, watermark: boolean): Promise<DocumentPack> {
    await this.#manageable(actor, meetingId);
    await this.db.transaction().execute(async (tx) => {
      const done = await tx.updateTable('document_packs').set({ watermark: watermark ? 1 : 0 }).where('meeting_id', '=', meetingId).executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) await tx.insertInto('document_packs').values({ meeting_id: meetingId, published_at: null, published_by: null, watermark: watermark ? 1 : 0 }).execute();
      await audit(tx, { actorId: actor.accountId, action: 'documents.watermark', targetType: 'meeting', targetId: meetingId, details: { watermark } });
    });
    await this.#changed(meetingId);
    return this.pack(actor, meetingId);
  }

  async #one(actor: Actor, meetingId: string, documentId: string): Promise<MeetingDocument> {
    const pack = await this.pack(actor, meetingId);
    const doc = pack.items.flatMap((i) => i.documents).find((d) => d.id === documentId);
    if (!doc) throw notFound('document');
    return doc;
  }

  /** Tells everyone in the room to load the pack again (each gets only what they may read). */
  async #changed(meetingId: string): Promise<void> {
    this.notifyRoom(meetingId, 'docPackChanged', { meetingId });
  }

  // ---- comments ---------------------------------------------------------------------------

  async comments(actor: Actor, meetingId: string): Promise<DocComment[]> {
    const facts = await this.#facts(actor, meetingId);
    const pack = await this.#published(meetingId);
    if (!canReadDocuments(actor, facts, pack.published)) throw forbidden('the pack is not published yet');
    const readable = new Set((await this.pack(actor, meetingId)).items.flatMap((i) => i.documents.map((d) => d.id)));
    const rows = await this.db
      .selectFrom('document_comments')
      .innerJoin('accounts', 'accounts.id', 'document_comments.author_id')
      .selectAll('document_comments')
      .select('accounts.display_name')
      .where('meeting_id', '=', meetingId)
      .orderBy('created_at')
      .limit(5000)
      .execute();
    return rows
      .filter((r) => !r.document_id || readable.has(r.document_id))
      .map((r) => ({ id: r.id, meetingId: r.meeting_id, agendaItemId: r.agenda_item_id, documentId: r.document_id, parentId: r.parent_id, authorId: r.author_id, authorName: r.display_name, body: r.body, createdAt: r.created_at }));
  }

  async addComment(actor: Actor, meetingId: string, body: z.output<typeof CommentBody>): Promise<DocComment> {
    const facts = await this.#facts(actor, meetingId);
    const pack = await this.#published(meetingId);
    if (!canReadDocuments(actor, facts, pack.published)) throw forbidden('the pack is not published yet');
    if (facts.status === 'ended' || facts.status === 'cancelled') throw new AppError('conflict', 'the meeting is over: comments are closed');
    if (body.documentId) {
      const { doc } = await this.#readable(actor, body.documentId);
      if (doc.meeting_id !== meetingId) throw notFound('document');
    } else {
      const item = await this.db.selectFrom('agenda_items').select('id').where('id', '=', body.agendaItemId!).where('meeting_id', '=', meetingId).executeTakeFirst();
      if (!item) throw notFound('agenda item');
    }
    if (body.parentId) {
      const parent = await this.db.selectFrom('document_comments').select(['meeting_id', 'document_id', 'agenda_item_id']).where('id', '=', body.parentId).executeTakeFirst();
      if (!parent || parent.meeting_id !== meetingId || parent.document_id !== (body.documentId ?? null) || parent.agenda_item_id !== (body.agendaItemId ?? null)) throw new AppError('bad_request', 'the reply is not on the same thread', { field: 'parentId' });
    }
    const account = await this.db.selectFrom('accounts').select('display_name').where('id', '=', actor.accountId).executeTakeFirstOrThrow();
    const comment: DocComment = {
      id: randomUUID(),
      meetingId,
      agendaItemId: body.agendaItemId ?? null,
      documentId: body.documentId ?? null,
      parentId: body.parentId ?? null,
      authorId: actor.accountId,
      authorName: account.display_name,
      body: body.body,
      createdAt: new Date().toISOString(),
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('document_comments').values({ id: comment.id, meeting_id: meetingId, agenda_item_id: comment.agendaItemId, document_id: comment.documentId, parent_id: comment.parentId, author_id: actor.accountId, body: comment.body, created_at: comment.createdAt }).execute();
      await audit(tx, { actorId: actor.accountId, action: 'document.comment', targetType: comment.documentId ? 'document' : 'agenda_item', targetId: comment.documentId ?? comment.agendaItemId });
    });
    const filter = await this.roomReaderFilter(meetingId, comment.documentId);
    this.notifyRoom(meetingId, 'docComment', { comment }, filter);
    return comment;
  }
}
