/** What a reader does with annotations in the PDF viewer, as reusable steps. */
import { expect, type Page } from '@playwright/test';

/** From the meeting page: opens a document of the pack in the viewer and waits for page 1 and the live annotations. */
export async function openDocument(page: Page, meetingId: string, title: string, { online = true } = {}): Promise<void> {
  await page.goto(`/#/meetings/${meetingId}`);
  await page.getByTestId('pack-section').getByTestId('document-row').filter({ hasText: title }).getByTestId('open-document').click();
  await expect(page.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
  // The annotation tools are a mode of their own (their own bar under the reader's toolbar).
  await page.getByTestId('viewer-annotate').click();
  await expect(page.getByTestId('annotation-toolbar')).toBeVisible();
  if (online) await expect(status(page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
}

export const status = (page: Page) => page.getByTestId('annotation-status');
export const toolbar = (page: Page) => page.getByTestId('annotation-toolbar');
export const surface = (page: Page) => page.getByTestId('pdf-page-1').getByTestId('annotation-surface');
export const sharedMarks = (page: Page) => page.getByTestId('pdf-page-1').locator('[data-testid="annotation-mark"][data-layer="shared"]');

export async function tool(page: Page, name: 'Bút' | 'Bút dạ quang' | 'Ghi chú chữ' | 'Tẩy' | 'Chọn / đọc'): Promise<void> {
  await toolbar(page).getByRole('button', { name, exact: true }).click();
}

export async function layer(page: Page, name: 'Chung' | 'Riêng'): Promise<void> {
  await toolbar(page).getByText(name, { exact: true }).click();
}

/**
 * Presses at `from`, moves to `to` in steps (fractions of the page), calls `during` before
 * releasing. The page is zoomed to the viewer's width: keep to its upper part, which is on screen.
 */
export async function draw(page: Page, from: [number, number], to: [number, number], during?: () => Promise<void>): Promise<void> {
  await surface(page).scrollIntoViewIfNeeded();
  const box = (await surface(page).boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    const f = i / 12;
    await page.mouse.move(...at([from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f]));
  }
  await during?.();
  await page.mouse.up();
}
