/**
 * The store and its services without the HTTP server or mediasoup, on either engine: SQLite in a
 * temp folder, or a fresh PostgreSQL database (tests/support/postgres.ts). Also: actors for
 * service calls, a whole-store snapshot to prove that nothing changed, and a Kysely plugin that
 * makes one kind of statement fail, to break a change in the middle of its transaction.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Account } from '../../common/api/model';
import { AuthService } from '../../sfu-server/src/auth/auth-service';
import type { Actor } from '../../sfu-server/src/auth/policy';
import { TokenSigner } from '../../sfu-server/src/auth/tokens';
import { DirectoryService } from '../../sfu-server/src/meetings/directory-service';
import { MeetingsService } from '../../sfu-server/src/meetings/meetings-service';
import { createLogger } from '../../sfu-server/src/observability/logger';
import { openStore, type Db, type Store, type StoreOptions } from '../../sfu-server/src/store/database';
import type { Database } from '../../sfu-server/src/store/schema';
import type { TestPostgres } from './postgres';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export const quietLogger = () => createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent');

/** Where a fresh, empty store lives: a new temp folder (SQLite) or a new database (PostgreSQL). */
export async function freshStoreOptions(engine: Engine, pg: TestPostgres | null): Promise<StoreOptions & { cleanup(): void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-store-'));
  const cleanup = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') return { dataDir, logger: quietLogger(), cleanup };
  if (!pg) throw new Error('a PostgreSQL server is needed for the postgres engine');
  return { dataDir, databaseUrl: pg.url(await pg.createDatabase()), logger: quietLogger(), cleanup };
}

export interface TestServices {
  store: Store;
  db: Db;
  auth: AuthService;
  directory: DirectoryService;
  meetings: MeetingsService;
  /** Accounts whose sessions were ended by the directory (disabled or password reset). */
  endedAccounts: string[];
  options: StoreOptions & { cleanup(): void };
  close(): Promise<void>;
}

/** Services wired as server.ts wires them, over `db` (which may carry a failure plugin). */
export function servicesOver(db: Db, endedAccounts: string[] = []) {
  const auth = new AuthService(db, new TokenSigner(randomBytes(32)));
  const directory = new DirectoryService(db, async (accountId) => {
    endedAccounts.push(accountId);
    await auth.revokeAll(accountId);
  });
  const meetings = new MeetingsService(db);
  return { auth, directory, meetings, endedAccounts };
}

export async function openTestServices(engine: Engine, pg: TestPostgres | null): Promise<TestServices> {
  const options = await freshStoreOptions(engine, pg);
  const store = await openStore(options);
  const services = servicesOver(store.db);
  return {
    store,
    db: store.db,
    ...services,
    options,
    async close() {
      await store.close();
      options.cleanup();
    },
  };
}

/** The actor a signed-in account is, for calling services directly. */
export function actorOf(account: Pick<Account, 'id' | 'role' | 'displayName' | 'unitId' | 'bridgePointId'>): Actor {
  return { accountId: account.id, sessionId: 'test-session', role: account.role, displayName: account.displayName, unitId: account.unitId, bridgePointId: account.bridgePointId };
}

export const TABLES = ['units', 'bridge_points', 'accounts', 'sessions', 'meetings', 'meeting_points', 'meeting_delegates', 'agenda_items', 'audit_log', 'document_packs', 'documents', 'document_readers', 'document_versions', 'document_comments', 'trust_anchors', 'signed_documents', 'document_signatures', 'speaking_turns', 'meeting_minutes'] as const satisfies readonly (keyof Database)[];

/** Every row of every table, in a stable order: two equal snapshots mean nothing changed. */
export async function snapshot(db: Db, tables: readonly (keyof Database)[] = TABLES): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = (await db.selectFrom(t).selectAll().execute()) as Record<string, unknown>[];
    out[t] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

type StatementKind = 'InsertQueryNode' | 'UpdateQueryNode' | 'DeleteQueryNode';

function tableOf(node: RootOperationNode): string | undefined {
  const name = (t: OperationNode | undefined) => (t && t.kind === 'TableNode' ? (t as unknown as { table: { identifier: { name: string } } }).table.identifier.name : undefined);
  switch (node.kind) {
    case 'InsertQueryNode':
      return name(node.into);
    case 'UpdateQueryNode':
      return name(node.table);
    case 'DeleteQueryNode':
      return name(node.from.froms[0]);
    default:
      return undefined;
  }
}

/**
 * Makes every `kind` statement on `table` throw, as a lost connection or a full disk would,
 * after the statements before it in the same transaction have run. Use with `db.withPlugin()`.
 */
export class FailingStatement implements KyselyPlugin {
  hits = 0;
  constructor(
    readonly kind: StatementKind,
    readonly table: keyof Database,
  ) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind === this.kind && tableOf(args.node) === this.table) {
      this.hits++;
      throw new Error(`injected failure: ${this.kind} on ${this.table}`);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
