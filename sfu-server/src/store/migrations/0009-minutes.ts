/**
 * The minutes (biên bản): each speaking turn with its start and end (the floor's history; the
 * speaker queue only kept when a request was made and ended), and which signed-document key holds
 * a meeting's minutes PDF versions (and the pack document their signed versions go to).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('speaking_turns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('point_name', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    // null while the turn goes on
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('speaking_turns_meeting').on('speaking_turns').columns(['meeting_id', 'started_at']).execute();

  await db.schema
    .createTable('meeting_minutes')
    .addColumn('meeting_id', 'text', (c) => c.primaryKey().references('meetings.id').onDelete('cascade'))
    // signed_documents.document_key of the minutes' PDF versions
    .addColumn('document_key', 'text', (c) => c.notNull())
    // the pack's document holding the fully signed versions (null until the first is signed)
    .addColumn('pack_document_id', 'text', (c) => c.references('documents.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('meeting_minutes').execute();
  await db.schema.dropTable('speaking_turns').execute();
}
