/**
 * Votes: their definition and state, who has voted, the tallies, and the per-meeting hash chain.
 *
 * Secret ballots are stored so that nothing links a voter to a choice:
 * - `vote_voters` says only who has voted (and who recorded it); it has no time and no choice for
 *   secret votes, and on SQLite it is a WITHOUT ROWID table (no insertion order kept in a rowid);
 * - `vote_tallies` holds one counter per option, and every ballot's transaction updates every
 *   counter of its vote (adding 0 to the others), so no counter row carries the transaction or
 *   the moment of one particular ballot.
 */
import { sql, PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('votes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('agenda_item_id', 'text')
    .addColumn('question', 'text', (c) => c.notNull())
    /** JSON: [{ id, label }] */
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('custom', 'integer', (c) => c.notNull())
    .addColumn('max_choices', 'integer', (c) => c.notNull())
    .addColumn('secret', 'integer', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer')
    /** JSON array of account ids, or null for everyone eligible by default. */
    .addColumn('voter_ids', 'text')
    .addColumn('quorum', 'text', (c) => c.notNull())
    .addColumn('pass_rule', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** JSON array of the account ids eligible, frozen when the vote opens. */
    .addColumn('eligible_ids', 'text')
    .addColumn('opened_at', 'text')
    .addColumn('closes_at', 'text')
    .addColumn('closed_at', 'text')
    /** JSON VoteResult once closed. */
    .addColumn('result', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('votes_meeting').on('votes').column('meeting_id').execute();
  await db.schema.createIndex('votes_status').on('votes').column('status').execute();

  let voters = db.schema
    .createTable('vote_voters')
    .addColumn('vote_id', 'text', (c) => c.notNull().references('votes.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    /** The operator who recorded it for a delegate without a device, or null. */
    .addColumn('recorded_by', 'text')
    /** JSON array of option ids: open (named) ballots only; always null for secret ones. */
    .addColumn('choices', 'text')
    .addPrimaryKeyConstraint('vote_voters_pk', ['vote_id', 'account_id']);
  if (!isPg) voters = voters.modifyEnd(sql`without rowid`);
  await voters.execute();

  let tallies = db.schema
    .createTable('vote_tallies')
    .addColumn('vote_id', 'text', (c) => c.notNull().references('votes.id').onDelete('cascade'))
    .addColumn('option_id', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('vote_tallies_pk', ['vote_id', 'option_id']);
  if (!isPg) tallies = tallies.modifyEnd(sql`without rowid`);
  await tallies.execute();

  await db.schema
    .createTable('vote_chain')
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    /** Canonical JSON of the event. */
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vote_chain_pk', ['meeting_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vote_chain').execute();
  await db.schema.dropTable('vote_tallies').execute();
  await db.schema.dropTable('vote_voters').execute();
  await db.schema.dropTable('votes').execute();
}
