/**
 * Where each server of the cluster can be reached (issue 16): one row per server in
 * `cluster_servers`, written at start and refreshed while it runs.
 *
 *   cluster_servers(id text PRIMARY KEY,   -- SERVER_ID
 *                   internal_url text,     -- its internal API (/internal/cluster/...), see internal-api.ts
 *                   media_ip text,         -- the address its pipe transports announce (media between servers)
 *                   updated_at timestamptz)-- the database's clock at the last refresh
 *
 * Whether a server is alive is its `server:<id>` liveness lease (cluster-node.ts); placement
 * (step 6, placement.ts) also wants its heartbeat recent (`updated_at`), since a SIGKILLed server's
 * lease stays live up to its TTL while its heartbeats stop at once. Step 6 added (`ALTER TABLE …
 * ADD COLUMN IF NOT EXISTS`):
 *
 *                   public_url text,       -- where clients reach its signaling (CLUSTER_PUBLIC_URL)
 *                   networks text,         -- client networks near it (CLUSTER_NETWORKS, CIDRs)
 *                   participants integer,  -- participants it carries, at the last heartbeat
 *                   meetings jsonb,        -- {meetingId: participants} it carries, same moment
 *                   draining boolean       -- set by an admin (drain): placement skips it, it moves its clients
 *
 * The heartbeat (every second) rewrites everything but `draining` and reads `draining` back, so a
 * drain set through any server reaches the drained one within a heartbeat; a start clears it (a
 * server restarted after its maintenance takes clients again).
 */
import { sql, type Kysely } from 'kysely';
import { ensureClusterTable } from './cluster-schema';

/** The advisory lock serialising the schema's creation (servers starting together). */
const SCHEMA_LOCK = 0x636c7372; // 'clsr'

export interface ServerEntry {
  id: string;
  internalUrl: string;
  mediaIp: string;
  /** Where clients reach its signaling (wss://…/ws); absent: clients are not placed on it. */
  publicUrl?: string | null | undefined;
  /** Client networks near it (CIDRs). */
  networks?: readonly string[] | undefined;
}

/** What a heartbeat says of the server's load. */
export interface ServerLoad {
  participants: number;
  meetings: Record<string, number>;
}

/** One server as placement sees it (placement.ts). */
export interface ServerStatus {
  id: string;
  publicUrl: string | null;
  networks: string[];
  participants: number;
  meetings: Record<string, number>;
  draining: boolean;
  /** Its liveness lease is live now (the database's clock). */
  leaseLive: boolean;
  /** Since its last heartbeat (the database's clock), ms. */
  heartbeatAgeMs: number;
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
    await ensureClusterTable(this.db, SCHEMA_LOCK, [
      sql`
        CREATE TABLE IF NOT EXISTS cluster_servers (
          id text PRIMARY KEY,
          internal_url text NOT NULL,
          media_ip text NOT NULL,
          updated_at timestamptz NOT NULL
        )`,
      sql`
        ALTER TABLE cluster_servers
          ADD COLUMN IF NOT EXISTS public_url text,
          ADD COLUMN IF NOT EXISTS networks text NOT NULL DEFAULT '',
          ADD COLUMN IF NOT EXISTS participants integer NOT NULL DEFAULT 0,
          ADD COLUMN IF NOT EXISTS meetings jsonb NOT NULL DEFAULT '{}'::jsonb,
          ADD COLUMN IF NOT EXISTS draining boolean NOT NULL DEFAULT false`,
    ]);
  }

  /** Writes (or rewrites) this server's row (all but `draining`); answers whether it is draining. */
  async publish(self: ServerEntry, load: ServerLoad = { participants: 0, meetings: {} }): Promise<boolean> {
    const r = await sql<{ draining: boolean }>`
      INSERT INTO cluster_servers (id, internal_url, media_ip, public_url, networks, participants, meetings, updated_at)
      VALUES (${self.id}, ${self.internalUrl}, ${self.mediaIp}, ${self.publicUrl ?? null}, ${(self.networks ?? []).join(',')}, ${load.participants}, ${JSON.stringify(load.meetings)}::jsonb, clock_timestamp())
      ON CONFLICT (id) DO UPDATE SET internal_url = excluded.internal_url, media_ip = excluded.media_ip, public_url = excluded.public_url,
        networks = excluded.networks, participants = excluded.participants, meetings = excluded.meetings, updated_at = excluded.updated_at
      RETURNING draining`.execute(this.db);
    return r.rows[0]?.draining ?? false;
  }

  /**
   * Writes this server's row now (its drain ended: a start takes clients again) and every
   * `everyMs` with its load, telling `onDraining` what the row says (failures are reported, the
   * next round tries again).
   */
  async start(self: ServerEntry, everyMs: number, onError: (err: unknown) => void, beat?: { load: () => Promise<ServerLoad>; onDraining: (draining: boolean, asOf: number) => void }): Promise<void> {
    await sql`UPDATE cluster_servers SET draining = false WHERE id = ${self.id}`.execute(this.db);
    const round = async () => {
      const asOf = Date.now();
      const draining = await this.publish(self, beat ? await beat.load() : undefined);
      beat?.onDraining(draining, asOf);
    };
    await round();
    this.#refresh = setInterval(() => round().catch(onError), everyMs);
    this.#refresh.unref?.();
  }

  /** Sets or clears a server's drain; false when no such server ever published a row. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async setDraining(id: string, draining: boolean, db: Kysely<any> = this.db): Promise<boolean> {
    const r = await sql<{ id: string }>`UPDATE cluster_servers SET draining = ${draining} WHERE id = ${id} RETURNING id`.execute(db);
    return r.rows.length > 0;
  }

  /** Every server's row with its liveness (lease by the database's clock) and heartbeat age. */
  async statuses(): Promise<ServerStatus[]> {
    const r = await sql<{ id: string; public_url: string | null; networks: string; participants: number; meetings: Record<string, number>; draining: boolean; lease_live: boolean | null; age_ms: string }>`
      SELECT s.id, s.public_url, s.networks, s.participants, s.meetings, s.draining,
             l.expires_at > clock_timestamp() AS lease_live,
             (EXTRACT(EPOCH FROM clock_timestamp() - s.updated_at) * 1000)::bigint::text AS age_ms
      FROM cluster_servers s LEFT JOIN cluster_leases l ON l.name = 'server:' || s.id
      ORDER BY s.id`.execute(this.db);
    return r.rows.map((row) => ({
      id: row.id,
      publicUrl: row.public_url,
      networks: row.networks ? row.networks.split(',').filter(Boolean) : [],
      participants: Number(row.participants),
      meetings: row.meetings ?? {},
      draining: row.draining,
      leaseLive: row.lease_live === true,
      heartbeatAgeMs: Number(row.age_ms),
    }));
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
