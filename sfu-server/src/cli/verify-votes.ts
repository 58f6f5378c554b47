/**
 * `npm run verify-votes -- <meetingId>`: recomputes and checks a meeting's vote hash chain against
 * the stored votes, using the same store as the server (DATA_DIR, or DATABASE_URL). Prints the
 * chain head and any problem; exits 0 when the chain is intact, 1 when not, 2 on bad usage.
 */
import { loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { openStore } from '../store/database';
import { verifyMeetingChain } from '../voting/verify';

const meetingId = process.argv[2];
if (!meetingId || !/^[0-9a-f-]{36}$/i.test(meetingId)) {
  console.error('usage: npm run verify-votes -- <meetingId>');
  process.exit(2);
}
const config = loadConfig();
const store = await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL, logger: createLogger('silent') });
try {
  const report = await verifyMeetingChain(store.db, meetingId);
  console.log(`meeting ${report.meetingId}: ${report.votes} vote(s), ${report.links} link(s), head ${report.head}`);
  for (const p of report.problems) console.log(`  PROBLEM: ${p}`);
  console.log(report.ok ? 'OK: the vote chain is intact' : 'FAILED: the vote chain does not verify');
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await store.close();
}
