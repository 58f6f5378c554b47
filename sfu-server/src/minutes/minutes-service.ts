/**
 * The minutes as a capability: the chair and the secretary read the assembled record (with the
 * conclusions as the server holds them now), preview its PDF, and produce it as a new version of
 * the meeting's minutes to sign (SigningService.create): the earlier version, signed or not, is
 * superseded and keeps its bytes and signatures; the new one needs both signatures again.
 */
import { minutesDocName, type MinutesDraft, type MinutesRecord } from '../../../common/api/minutes';
import type { SignedDocument } from '../../../common/api/signing';
import type { Actor } from '../auth/policy';
import type { MeetingsService } from '../meetings/meetings-service';
import type { FullySigned, SigningService } from '../signing/signing-service';
import type { PdfJobs } from '../pdf-jobs/pdf-jobs';
import type { Db } from '../store/database';
import { conclusionsFromState } from './conclusions';
import { assembleMinutes } from './minutes-record';

export interface MinutesDeps {
  db: Db;
  meetings: MeetingsService;
  signing: SigningService;
  /** The minutes' PDF is rendered in a PDF worker thread (pdf-jobs/). */
  pdfJobs: PdfJobs;
  /** A collaboration document's whole state now (CollabEndpoint.state). */
  collabState: (docName: string) => Promise<Uint8Array>;
  /** Puts a PDF into the meeting's pack (DocumentsService.addFromCapability): a new document, or a version of one. */
  addToPack?: (meetingId: string, documentId: string | null, title: string, fileName: string, pdf: Uint8Array, by: string) => Promise<string>;
}

export class MinutesService {
  constructor(readonly deps: MinutesDeps) {}

  async draft(actor: Actor, meetingId: string): Promise<MinutesDraft> {
    const record = await this.#record(actor, meetingId);
    return { record, docName: minutesDocName(meetingId), documentKey: await this.#documentKey(meetingId) };
  }

  async previewPdf(actor: Actor, meetingId: string): Promise<Buffer> {
    return this.deps.pdfJobs.minutes(await this.#record(actor, meetingId), { owner: actor.accountId });
  }

  /** A new version of the minutes' PDF, for the chair and the secretary to sign. */
  async produce(actor: Actor, meetingId: string): Promise<SignedDocument> {
    const record = await this.#record(actor, meetingId);
    const pdf = await this.deps.pdfJobs.minutes(record, { owner: actor.accountId });
    const known = await this.#documentKey(meetingId);
    const title = `Biên bản cuộc họp: ${record.meeting.title}`.slice(0, 300);
    const doc = await this.deps.signing.create(actor, meetingId, { title, fileName: 'bien-ban-cuoc-hop.pdf', ...(known ? { documentKey: known } : {}) }, new Uint8Array(pdf), 'minutes');
    if (!known) {
      // Two first versions made at once: the second keeps its own key (both stay listed), the minutes point at the first.
      await this.deps.db
        .insertInto('meeting_minutes')
        .values({ meeting_id: meetingId, document_key: doc.documentKey, pack_document_id: null, updated_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('meeting_id').doNothing())
        .execute();
      // Read again: now that it is the minutes, what its reader may do with it changed (no upload of a new version).
      return this.deps.signing.get(actor, doc.id);
    }
    return doc;
  }

  /** A minutes version got its last signature: it goes into the meeting's pack (one document, a version per signed version). */
  async fullySigned(doc: FullySigned): Promise<void> {
    if (!this.deps.addToPack) return;
    const row = await this.deps.db.selectFrom('meeting_minutes').select(['pack_document_id']).where('meeting_id', '=', doc.meetingId).where('document_key', '=', doc.documentKey).executeTakeFirst();
    if (!row) return;
    const id = await this.deps.addToPack(doc.meetingId, row.pack_document_id, doc.title, doc.fileName, doc.pdf, doc.by);
    if (id !== row.pack_document_id) {
      await this.deps.db.updateTable('meeting_minutes').set({ pack_document_id: id, updated_at: new Date().toISOString() }).where('meeting_id', '=', doc.meetingId).execute();
    }
  }

  async #record(actor: Actor, meetingId: string): Promise<MinutesRecord> {
    await this.deps.meetings.authorize(actor, meetingId, 'minutes.write');
    const conclusions = conclusionsFromState(await this.deps.collabState(minutesDocName(meetingId)));
    return assembleMinutes(this.deps.db, meetingId, conclusions);
  }

  async #documentKey(meetingId: string): Promise<string | null> {
    const row = await this.deps.db.selectFrom('meeting_minutes').select('document_key').where('meeting_id', '=', meetingId).executeTakeFirst();
    return row?.document_key ?? null;
  }
}

