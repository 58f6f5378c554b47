/**
 * The paperless meeting pack: documents attached to agenda items, their versions (files stored by
 * SHA-256 in DATA_DIR/documents), confidentiality (chosen people in document_readers, chosen roles
 * as a JSON list), the pack's publication and watermark setting, and threaded comments.
 *
 * Agenda items already have ids; from this version on `PUT /agenda` keeps the id of every item the
 * client sends back with its id, so documents stay attached when the agenda is edited. Documents
 * reference agenda items without a foreign key: an item removed from the agenda leaves its
 * documents in the pack, under "other documents".
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('document_packs')
    .addColumn('meeting_id', 'text', (c) => c.primaryKey().references('meetings.id').onDelete('cascade'))
    .addColumn('published_at', 'text')
    .addColumn('published_by', 'text')
    .addColumn('watermark', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('agenda_item_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allowed_roles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('watermark', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('documents_meeting').on('documents').columns(['meeting_id', 'created_at']).execute();

  await db.schema
    .createTable('document_readers')
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addPrimaryKeyConstraint('document_readers_pk', ['document_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('document_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('page_count', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('document_versions_number', ['document_id', 'number'])
    .execute();

  await db.schema
    .createTable('document_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('agenda_item_id', 'text')
    .addColumn('document_id', 'text', (c) => c.references('documents.id').onDelete('cascade'))
    .addColumn('parent_id', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('document_comments_meeting').on('document_comments').columns(['meeting_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['document_comments', 'document_versions', 'document_readers', 'documents', 'document_packs']) await db.schema.dropTable(t).execute();
}
