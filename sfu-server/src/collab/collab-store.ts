/**
 * Where collaboration documents live between connections: the `collab_updates` table, one row per
 * Yjs update as it arrives, replaced by one snapshot row when compacted. Works on SQLite and
 * PostgreSQL alike (blob / bytea).
 */
import * as Y from 'yjs';
import type { Db } from '../store/database';

export class CollabStore {
  /**
   * `severalWriters`: several servers append to the same document (each its own peers' updates),
   * so a compaction replaces only the rows it read, merged into its snapshot, and a row another
   * server appended meanwhile stays.
   */
  constructor(
    readonly db: Db,
    readonly severalWriters = false,
  ) {}

  /** Every stored update of a document, oldest first (Yjs merges them in any order anyway). */
  async load(docName: string): Promise<Uint8Array[]> {
    const rows = await this.db.selectFrom('collab_updates').select('data').where('doc_name', '=', docName).orderBy('id').execute();
    return rows.map((r) => new Uint8Array(r.data));
  }

  async append(docName: string, update: Uint8Array): Promise<void> {
    await this.db.insertInto('collab_updates').values({ doc_name: docName, data: Buffer.from(update), created_at: new Date().toISOString() }).execute();
  }

  /**
   * Replaces every stored update of the document with one snapshot (the whole state), in one
   * transaction: a crash leaves either the old rows or the snapshot, never neither.
   */
  async replaceWithSnapshot(docName: string, snapshot: Uint8Array): Promise<void> {
    if (this.severalWriters) return this.#replaceReadRows(docName, snapshot);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('collab_updates').where('doc_name', '=', docName).execute();
      await trx.insertInto('collab_updates').values({ doc_name: docName, data: Buffer.from(snapshot), created_at: new Date().toISOString() }).execute();
    });
  }

  async #replaceReadRows(docName: string, snapshot: Uint8Array): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('collab_updates').select(['id', 'data']).where('doc_name', '=', docName).execute();
      // Yjs merges are idempotent: what the snapshot already holds is not doubled.
      const merged = rows.length ? Y.mergeUpdates([snapshot, ...rows.map((r) => new Uint8Array(r.data))]) : snapshot;
      const ids = rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) await trx.deleteFrom('collab_updates').where('id', 'in', ids.slice(i, i + 500)).execute();
      await trx.insertInto('collab_updates').values({ doc_name: docName, data: Buffer.from(merged), created_at: new Date().toISOString() }).execute();
    });
  }

  async count(docName: string): Promise<number> {
    const row = await this.db.selectFrom('collab_updates').select((eb) => eb.fn.countAll<number | string>().as('n')).where('doc_name', '=', docName).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
