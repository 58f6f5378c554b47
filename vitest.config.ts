import { defineConfig } from 'vitest/config';

/**
 * Files that run a second time on PostgreSQL (the `postgres` project: PHONGHOP_TEST_ENGINE makes
 * tests/support/test-engine.ts start a throw-away cluster and give each server its own database).
 * Files that parameterise the engines themselves (describe.each over ENGINES) are not listed.
 */
const ALSO_ON_POSTGRES = [
  'tests/integration/chat.test.ts',
  'tests/integration/floor.test.ts', // the floor and attendance
  'tests/integration/minutes.test.ts',
  'tests/integration/collab-endpoint.test.ts',
  'tests/integration/voting.test.ts',
  'tests/integration/voting-chain.test.ts',
  'tests/integration/voting-durability.test.ts',
  'tests/integration/voting-export.test.ts',
  'tests/integration/voting-permissions.test.ts',
  'tests/integration/voting-timers.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Integration tests start real servers and mediasoup workers: keep the 2-core machine calm.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Arrays are merged with the root's, so `include` is given per project only.
      { extends: true, test: { name: 'all', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/electron/**/*.test.ts', 'tests/faults/**/*.test.ts', 'tests/abuse/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: ALSO_ON_POSTGRES, env: { PHONGHOP_TEST_ENGINE: 'postgres' } } },
    ],
  },
});
