/**
 * A small but real DocumentAccess for tests of features that sit on documents (collaboration),
 * while the documents capability lives on another branch: a `test_documents` table created in the
 * server's own store, and the same rules the documents capability applies — the meeting must be
 * visible to the reader (policy `meeting.view`), and a confidential document is readable only by
 * the meeting's chair and secretary and the accounts it names.
 */
import { sql } from 'kysely';
import type { Actor } from '../../sfu-server/src/auth/policy';
import type { DocumentAccess } from '../../sfu-server/src/documents/access';
import type { MeetingsService } from '../../sfu-server/src/meetings/meetings-service';
import type { Db } from '../../sfu-server/src/store/database';

interface Row {
  meeting_id: string;
  confidential: number;
  readers: string;
}

export class TestDocuments implements DocumentAccess {
  #db: Db | null = null;
  #meetings: MeetingsService | null = null;

  /** Binds to a started server's store (the table is created if missing). */
  async bind(db: Db, meetings: MeetingsService): Promise<void> {
    this.#db = db;
    this.#meetings = meetings;
    await sql`create table if not exists test_documents (id text primary key, meeting_id text not null, confidential integer not null, readers text not null)`.execute(db);
  }

  async add(id: string, meetingId: string, options: { confidential?: boolean; readers?: string[] } = {}): Promise<void> {
    await sql`insert into test_documents (id, meeting_id, confidential, readers) values (${id}, ${meetingId}, ${options.confidential ? 1 : 0}, ${JSON.stringify(options.readers ?? [])})`.execute(this.#need().db);
  }

  async readableMeeting(actor: Actor, documentId: string): Promise<string | null> {
    const { db, meetings } = this.#need();
    const { rows } = await sql<Row>`select meeting_id, confidential, readers from test_documents where id = ${documentId}`.execute(db);
    const doc = rows[0];
    if (!doc) return null;
    let facts;
    try {
      facts = await meetings.authorize(actor, doc.meeting_id, 'meeting.view');
    } catch {
      return null;
    }
    if (Number(doc.confidential) === 1) {
      const readers = JSON.parse(doc.readers) as string[];
      const organiser = actor.accountId === facts.chairId || actor.accountId === facts.secretaryId;
      if (!organiser && !readers.includes(actor.accountId)) return null;
    }
    return doc.meeting_id;
  }

  #need(): { db: Db; meetings: MeetingsService } {
    if (!this.#db || !this.#meetings) throw new Error('TestDocuments.bind() first');
    return { db: this.#db, meetings: this.#meetings };
  }
}
