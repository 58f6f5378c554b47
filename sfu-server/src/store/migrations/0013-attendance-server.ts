/**
 * Several servers (issue 16): each presence row names the server carrying the open presence
 * (`server_id`, null when closed or on one server). A server loading a meeting's attendance closes
 * only its own open rows (left open by its own stop); the rows of a server that died are closed by
 * the meeting's home server (cluster/presence-rows.ts), not by whichever server loads next.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('attendance').addColumn('server_id', 'text').execute();
  await db.schema.createIndex('attendance_server_open').on('attendance').columns(['server_id', 'meeting_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attendance_server_open').execute();
  await db.schema.alterTable('attendance').dropColumn('server_id').execute();
}
