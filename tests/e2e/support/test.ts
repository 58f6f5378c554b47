/**
 * The `test` every scenario uses: Playwright's, plus one automatic fixture that closes the browser
 * contexts a scenario opened itself (`browser.newContext()`), pass or fail. Playwright only closes
 * its own `context` fixture; without this, the pages of one scenario (fake camera, WebRTC) would
 * keep encoding video on 2 cores through every scenario after it.
 */
import { test as base } from '@playwright/test';

export const test = base.extend<{ closeOwnContexts: void }>({
  closeOwnContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      for (const context of browser.contexts()) {
        if (!before.has(context)) await context.close().catch(() => undefined);
      }
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
