import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/electron/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Integration tests start real servers and mediasoup workers: keep the 2-core machine calm.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
