/**
 * End-to-end tests: Debian's Chromium with fake camera and microphone, against the real server and
 * mediasoup workers started by `webServer`. Browsers are never downloaded.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, E2E_PORT, e2eServerEnv } from './tests/e2e/support/server-env';

export default defineConfig({
  testDir: 'tests/e2e',
  // Not test-results/ itself: Playwright empties its output folder, and the other runners' results live there.
  outputDir: 'test-results/e2e-artifacts',
  // Several real browsers encode and decode video on 2 cores: give each scenario room.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    // A click on something covered or never enabled fails after a minute with Playwright's own
    // explanation (what intercepts the pointer), instead of waiting out a spec's whole budget.
    actionTimeout: 60_000,
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    locale: 'vi-VN',
    permissions: ['camera', 'microphone'],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    command: 'node --import tsx sfu-server/src/main.ts',
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: e2eServerEnv(),
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
