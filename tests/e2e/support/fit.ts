/** Layout checks for small screens: no horizontal scroll, no toolbar wrapped onto a second row. */
import type { Page, TestInfo } from '@playwright/test';

export interface FitReport {
  /** How far the page scrolls sideways (0 when it fits). */
  horizontalOverflow: number;
  /** Toolbars whose buttons run onto more than one row, or that overflow their own box. */
  wrappedToolbars: { label: string; rows: number; overflow: number }[];
  toolbars: number;
}

export function fitReport(page: Page): Promise<FitReport> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const horizontalOverflow = Math.max(doc.scrollWidth, document.body.scrollWidth) - window.innerWidth;
    const wrappedToolbars: FitReport['wrappedToolbars'] = [];
    let toolbars = 0;
    for (const bar of document.querySelectorAll<HTMLElement>('[role="toolbar"]')) {
      const box = bar.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(bar).visibility === 'hidden') continue;
      toolbars++;
      const items = [...bar.children]
        .map((c) => c.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.height > 0)
        .sort((a, b) => a.top - b.top);
      // A new row starts where an item begins below the bottom of the row so far.
      let rows = 0;
      let rowBottom = -Infinity;
      for (const r of items) {
        if (r.top >= rowBottom - 1) {
          rows++;
          rowBottom = r.bottom;
        } else rowBottom = Math.max(rowBottom, r.bottom);
      }
      const overflow = bar.scrollWidth - bar.clientWidth;
      if (rows > 1 || overflow > 1) wrappedToolbars.push({ label: bar.getAttribute('aria-label') ?? bar.dataset.testid ?? '?', rows, overflow });
    }
    return { horizontalOverflow, wrappedToolbars, toolbars };
  });
}

/** A screenshot of what the check saw, kept with the test's results. */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: false }), contentType: 'image/png' });
}
