/**
 * Where each server of the cluster can be reached (issue 16): one row per server in
 * `cluster_servers`, written at start and refreshed while it runs.
 *
 *   cluster_servers(id text PRIMARY KEY,   -- SERVER_ID
 *                   internal_url text,     -- its internal API (/internal/cluster/...), see internal-api.ts
 *                   media_ip text,         -- the address its pipe transports announce (media between servers)
 *                   updated_at timestamptz)-- the database's clock at the last refresh
 *
 * Whether a server is alive is NOT read here: its `server:<id>` liveness lease says that
 * (cluster-node.ts). A row only says where to reach it; `updated_at` is for operators and for
 * pruning rows of servers gone for good. Columns for load or draining (wiring step 6) may be added
 * with `ALTER TABLE … ADD COLUMN IF NOT EXISTS` in `ensureSchema`; `publish` writes only the
 * columns above, so such columns are kept by a refresh.
 */
import { sql, type Kysely } from 'kysely';

/** The advisory lock serialising the schema's creation (servers starting together). */
const SCHEMA_LOCK = 0x636c7372; // 'clsr'

export interface ServerEntry {
  id: string;
  internalUrl: string;
  mediaIp: string;
}

export class ServerRegistry {
  readonly #cache = new Map<string, { entry: ServerEntry | null; at: number }>();
  #refresh: NodeJS.Timeout | undefined;

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly db: Kysely<any>,
    /** How long a looked-up row is used before it is read again (ms). */
    readonly cacheMs = 5_000,
  ) {}

  async ensureSchema(): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`.execute(tx);
      await sql`
        CREATE TABLE IF NOT EXISTS cluster_servers (
          id text PRIMARY KEY,
          internal_url text NOT NULL,
          media_ip text NOT NULL,
          updated_at timestamptz NOT NULL
        )`.execute(tx);
    });
  }

  /** Writes (or rewrites) this server's row. */
  async publish(self: ServerEntry): Promise<void> {
    await sql`
      INSERT INTO cluster_servers (id, internal_url, media_ip, updated_at)
      VALUES (${self.id}, ${self.internalUrl}, ${self.mediaIp}, clock_timestamp())
      ON CONFLICT (id) DO UPDATE SET internal_url = excluded.internal_url, media_ip = excluded.media_ip, updated_at = excluded.updated_at`.execute(this.db);
  }

  /** Writes this server's row now and every `everyMs` (failures are reported, the next round tries again). */
  async start(self: ServerEntry, everyMs: number, onError: (err: unknown) => void): Promise<void> {
    await this.publish(self);
    this.#refresh = setInterval(() => this.publish(self).catch(onError), everyMs);
    this.#refresh.unref?.();
  }

  stop(): void {
    clearInterval(this.#refresh);
  }

  /** Where that server is (cached for `cacheMs`); undefined when it never published a row. */
  async lookup(id: string): Promise<ServerEntry | undefined> {
    const hit = this.#cache.get(id);
    if (hit && Date.now() - hit.at < this.cacheMs && hit.entry) return hit.entry;
    const r = await sql<{ internal_url: string; media_ip: string }>`SELECT internal_url, media_ip FROM cluster_servers WHERE id = ${id}`.execute(this.db);
    const row = r.rows[0];
    const entry = row ? { id, internalUrl: row.internal_url, mediaIp: row.media_ip } : null;
    this.#cache.set(id, { entry, at: Date.now() });
    return entry ?? undefined;
  }
}
