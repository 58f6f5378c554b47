/**
 * The per-meeting hash chain of vote events: each link is SHA-256 over the previous link's hash,
 * a newline, and the canonical JSON of the event (keys sorted at every level, no spaces). The
 * first link's previous hash is 64 zeros. Appending runs inside the caller's transaction, so an
 * event is in the chain exactly when the change it describes is stored.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema';

export const GENESIS = '0'.repeat(64);

/** Rows per multi-row insert (well under SQLite's and PostgreSQL's limits on bound values). */
export const INSERT_CHUNK = 500;

/** Everything a vote event may carry: JSON values only. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type ChainEvent = { type: string; voteId: string } & { [key: string]: Json };

export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not a JSON number');
  return JSON.stringify(value);
}

export function linkHash(prevHash: string, eventJson: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(eventJson).digest('hex');
}

/**
 * Serialises appends to one meeting's chain across transactions. SQLite runs one write transaction
 * at a time already; on PostgreSQL a transaction-scoped advisory lock per meeting does it.
 */
export async function lockChain(tx: Transaction<Database>, meetingId: string, postgres: boolean): Promise<void> {
  if (postgres) await sql`select pg_advisory_xact_lock(hashtext(${'vote-chain:' + meetingId}))`.execute(tx);
}

/** Appends one event; returns the new head. */
export async function appendEvent(tx: Transaction<Database>, meetingId: string, event: ChainEvent): Promise<string> {
  const [hash] = await appendEvents(tx, meetingId, [event]);
  return hash!;
}

/** Appends events in order (one read of the head, then batched inserts); returns each event's link hash. */
export async function appendEvents(tx: Transaction<Database>, meetingId: string, events: ChainEvent[]): Promise<string[]> {
  const last = await tx.selectFrom('vote_chain').select(['seq', 'hash']).where('meeting_id', '=', meetingId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let prev = last?.hash ?? GENESIS;
  let seq = last?.seq ?? 0;
  const rows = events.map((e) => {
    const json = canonicalJson(e);
    const row = { meeting_id: meetingId, seq: ++seq, event: json, prev_hash: prev, hash: linkHash(prev, json) };
    prev = row.hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertInto('vote_chain').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  return rows.map((r) => r.hash);
}

export async function chainHead(db: Kysely<Database>, meetingId: string): Promise<string> {
  const last = await db.selectFrom('vote_chain').select('hash').where('meeting_id', '=', meetingId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last?.hash ?? GENESIS;
}
