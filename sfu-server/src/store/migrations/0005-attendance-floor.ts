/**
 * Running the meeting: attendance (presence per account, roll calls per bridge point), the speaker
 * queue, and the room state kept across server restarts (floor holder and its start, controlled
 * mode, time limits, host point, lock, quorum rule, host mutes and removals).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meeting_room_state')
    .addColumn('meeting_id', 'text', (c) => c.primaryKey().references('meetings.id').onDelete('cascade'))
    .addColumn('controlled', 'integer', (c) => c.notNull())
    .addColumn('limit_seconds', 'integer', (c) => c.notNull())
    .addColumn('warning_seconds', 'integer', (c) => c.notNull())
    .addColumn('host_point_id', 'text', (c) => c.references('bridge_points.id'))
    .addColumn('locked', 'integer', (c) => c.notNull())
    .addColumn('quorum_rule', 'text', (c) => c.notNull())
    .addColumn('holder_account_id', 'text')
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('holder_point', 'text', (c) => c.notNull())
    .addColumn('holder_topic', 'text', (c) => c.notNull())
    .addColumn('holder_started_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('speak_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('point_name', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    // waiting → speaking → done, or waiting → withdrawn
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('speak_requests_meeting').on('speak_requests').columns(['meeting_id', 'status', 'requested_at']).execute();

  await db.schema
    .createTable('meeting_moderation')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('host_muted', 'integer', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_moderation_pk', ['meeting_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('attendance')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('bridge_point_id', 'text', (c) => c.references('bridge_points.id'))
    .addColumn('first_joined_at', 'text')
    .addColumn('last_left_at', 'text')
    .addColumn('online_since', 'text')
    .addColumn('total_seconds', 'integer', (c) => c.notNull())
    .addColumn('marked_present', 'integer', (c) => c.notNull())
    .addColumn('marked_at_point_id', 'text', (c) => c.references('bridge_points.id'))
    .addColumn('marked_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_pk', ['meeting_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('roll_calls')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('bridge_point_id', 'text', (c) => c.notNull().references('bridge_points.id'))
    .addColumn('present_count', 'integer', (c) => c.notNull())
    .addColumn('taken_by', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('roll_calls_pk', ['meeting_id', 'bridge_point_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['roll_calls', 'attendance', 'meeting_moderation', 'speak_requests', 'meeting_room_state']) await db.schema.dropTable(t).execute();
}
