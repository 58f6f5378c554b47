/** Meeting chat: the public line ('all') and each participant's private thread with the secretary. */
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('chat_messages')
    .addColumn('seq', 'integer', (c) => (isPg ? c.generatedAlwaysAsIdentity().primaryKey() : c.autoIncrement().primaryKey()))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    /** 'all', or the participant's account id of a private thread with the secretary. */
    .addColumn('thread', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('point_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_messages_thread').on('chat_messages').columns(['meeting_id', 'thread', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chat_messages').execute();
}
