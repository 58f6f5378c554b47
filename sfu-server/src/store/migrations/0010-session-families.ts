/**
 * Refresh-token rotation with reuse detection: every refresh token a session has rotated away from
 * is remembered (as its SHA-256 hash) so that presenting it again is recognised as a replay, and
 * the whole session (the token family) is ended. A session also gets an absolute end
 * (`absolute_expires_at`, fixed at login) beside its sliding idle expiry (`expires_at`), and keeps
 * the immediately previous token and when it was rotated (for the short grace window that lets two
 * tabs refresh at the same moment).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('absolute_expires_at', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('previous_refresh_hash', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('rotated_at', 'text').execute();
  // Existing sessions end at the latest when their current expiry comes (no more sliding past it).
  await sql`update sessions set absolute_expires_at = expires_at`.execute(db);

  await db.schema
    .createTable('retired_refresh_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('retired_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retired_refresh_tokens_retired_at').on('retired_refresh_tokens').column('retired_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retired_refresh_tokens').execute();
  await db.schema.alterTable('sessions').dropColumn('rotated_at').execute();
  await db.schema.alterTable('sessions').dropColumn('previous_refresh_hash').execute();
  await db.schema.alterTable('sessions').dropColumn('absolute_expires_at').execute();
}
