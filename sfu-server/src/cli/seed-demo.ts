/**
 * `npm run seed:demo`: seeds the demo province (Quảng Ninh: districts, communes, departments, bridge
 * points, one account per role, a live meeting, an upcoming and a past one) into the store the
 * server uses (same configuration: DATA_DIR, or DATABASE_URL for PostgreSQL), then prints the
 * accounts to try. Running it again changes nothing and prints the same table.
 *
 * It can run while the server is up (SQLite in WAL mode, or PostgreSQL); the admin's existing
 * sessions end because its password is set to the demo password.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthService } from '../auth/auth-service';
import { ensureAdmin } from '../auth/bootstrap-admin';
import { TokenSigner } from '../auth/tokens';
import { loadConfig } from '../config/config';
import { DirectoryService } from '../meetings/directory-service';
import { MeetingsService } from '../meetings/meetings-service';
import { createLogger } from '../observability/logger';
import { openStore } from '../store/database';
import { DEMO_PASSWORD, DEMO_PROVINCE } from './demo-data';
import { credentialsTable, seedDemo } from './demo-seed';

export { credentialsTable, seedDemo, type DemoCredential, type DemoSeedOptions, type DemoSeedResult, type DemoServices } from './demo-seed';
export { DEMO_PASSWORD, DEMO_PROVINCE, LIVE_MEETING_TITLE } from './demo-data';

/** Where the store is, without the password of a PostgreSQL URL. */
function describeStore(dataDir: string, databaseUrl: string | undefined): string {
  if (!databaseUrl) return `SQLite ${path.join(dataDir, 'phonghop.sqlite')}`;
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  // Quiet unless asked: the store's "migration applied" lines are not what a person running this wants.
  const logger = createLogger(env['LOG_LEVEL'] ? config.LOG_LEVEL : 'warn');
  const store = await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL, logger: logger.child({ component: 'store' }) });
  try {
    const auth = new AuthService(store.db, TokenSigner.fromDataDir(config.DATA_DIR, config.AUTH_SECRET));
    // A running server also drops the admin's WebSocket when its password changes; here ending the sessions is enough.
    const directory = new DirectoryService(store.db, (accountId) => auth.revokeAll(accountId));
    const meetings = new MeetingsService(store.db);
    // As the server does on first start; the seed then sets the admin's password to the demo one.
    await ensureAdmin(directory, createLogger('silent'), config.ADMIN_PASSWORD ?? DEMO_PASSWORD);

    console.log(`Phòng họp demo seed → ${describeStore(config.DATA_DIR, config.DATABASE_URL)}`);
    const result = await seedDemo({ directory, meetings }, { log: (line) => console.log(`  ${line}`) });
    console.log('');
    if (result.status === 'already-seeded') {
      console.log(`Already seeded: "${DEMO_PROVINCE}" is in the store; nothing was changed.`);
      console.log('The accounts below have the demo password unless someone has changed it since.');
    } else {
      console.log(`Seeded "${DEMO_PROVINCE}": ${Object.keys(result.unitIds).length} units, ${Object.keys(result.pointIds).length} bridge points, ${result.credentials.length} accounts, 3 meetings.`);
    }
    console.log(`Open http://<this machine>:${config.PORT}/ and log in with one of these (the same password for all):`);
    console.log('');
    console.log(credentialsTable(result.credentials));
    console.log('');
  } finally {
    await store.close();
  }
}

const invokedAs = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (invokedAs === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`seed:demo failed: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof Error && err.stack && process.env['LOG_LEVEL'] === 'debug') console.error(err.stack);
    process.exitCode = 1;
  });
}
