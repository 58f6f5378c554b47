/**
 * Watch-only invitations (người theo dõi): accounts invited to follow a meeting's live broadcast,
 * its agenda and its published documents, without a seat in the conference (no WebRTC, no floor,
 * no vote, no annotation). Kept apart from `meeting_delegates` so that every existing rule keyed
 * on "invited" (join, vote, floor, chat, annotate) stays closed to them by construction.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meeting_viewers')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addPrimaryKeyConstraint('meeting_viewers_pk', ['meeting_id', 'account_id'])
    .execute();
  await db.schema.createIndex('meeting_viewers_account').on('meeting_viewers').column('account_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('meeting_viewers').execute();
}
