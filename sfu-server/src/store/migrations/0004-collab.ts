/**
 * Collaboration documents (Yjs): each document name has a list of binary Yjs updates, appended as
 * they arrive and compacted into one snapshot row (sfu-server/src/collab/collab-store.ts).
 */
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('collab_updates')
    .addColumn('id', 'integer', (c) => (isPg ? c.generatedAlwaysAsIdentity().primaryKey() : c.autoIncrement().primaryKey()))
    .addColumn('doc_name', 'text', (c) => c.notNull())
    .addColumn('data', isPg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('collab_updates_doc').on('collab_updates').columns(['doc_name', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('collab_updates').execute();
}
