/**
 * Where collaboration documents live between connections: the `collab_updates` table, one row per
 * Yjs update as it arrives, replaced by one snapshot row when compacted. Works on SQLite and
 * PostgreSQL alike (blob / bytea).
 */
import type { Db } from '../store/database';

export class CollabStore {
  constructor(readonly db: Db) {}

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
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('collab_updates').where('doc_name', '=', docName).execute();
      await trx.insertInto('collab_updates').values({ doc_name: docName, data: Buffer.from(snapshot), created_at: new Date().toISOString() }).execute();
    });
  }

  async count(docName: string): Promise<number> {
    const row = await this.db.selectFrom('collab_updates').select((eb) => eb.fn.countAll<number | string>().as('n')).where('doc_name', '=', docName).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
