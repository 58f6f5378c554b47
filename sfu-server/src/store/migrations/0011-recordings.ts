/**
 * Recordings of a meeting's conference (issue 14): one row per recording, from "Ghi hình" to its
 * archive MP4. The raw streams and the timeline live in files under RECORDINGS_DIR/<id>/.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    // recording → composing → ready | failed; deleted (files removed, row kept for the minutes and the audit)
    .addColumn('status', 'text', (c) => c.notNull())
    // 1: only the meeting's organisers may watch or download it
    .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_by', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('stopped_by', 'text', (c) => c.references('accounts.id'))
    .addColumn('stopped_at', 'text')
    // composing progress, 0..1
    .addColumn('progress', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_seconds', 'real')
    .addColumn('size_bytes', 'bigint')
    .addColumn('sha256', 'text')
    // why composing failed (shown to the organisers)
    .addColumn('error', 'text')
    .addColumn('deleted_by', 'text', (c) => c.references('accounts.id'))
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema.createIndex('recordings_meeting').on('recordings').columns(['meeting_id', 'started_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recordings').execute();
}
