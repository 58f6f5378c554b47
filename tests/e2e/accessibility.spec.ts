/**
 * axe-core (through @axe-core/playwright) on every screen a user meets — login, my meetings, the
 * meeting page, the reader, the pre-join screen, the room, the ballot and administration — in both
 * languages and both themes: no serious or critical violation of WCAG 2.1 A/AA (colour contrast,
 * names of controls and progress bars, …). Focus moves into a side panel when it opens.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { uploadFile } from '../support/documents';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { TestSignalingClient } from '../support/signaling-test-client';
import { TEST_ADMIN_PASSWORD } from '../support/constants';

test.use({ actionTimeout: 45_000 });

const COMBOS = [
  { lang: 'vi', theme: 'light' },
  { lang: 'en', theme: 'light' },
  { lang: 'vi', theme: 'dark' },
  { lang: 'en', theme: 'dark' },
] as const;

const TEXT = {
  vi: { login: 'Đăng nhập', meetings: 'Cuộc họp của tôi', join: 'Tham gia', enter: 'Vào phòng họp', ballot: 'Phiếu biểu quyết', later: 'Để sau', preview: 'Xem trước camera' },
  en: { login: 'Log in', meetings: 'My meetings', join: 'Join', enter: 'Enter the room', ballot: 'Ballot', later: 'Later', preview: 'Camera preview' },
} as const;

/** A page in that language and theme (remembered as the app remembers them). */
async function openPage(browser: Browser, lang: 'vi' | 'en', theme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript(
    ([l, s]) => {
      localStorage.setItem('phonghop.language', l);
      localStorage.setItem('mantine-color-scheme-value', s);
    },
    [lang, theme] as const,
  );
  const page = await context.newPage();
  await page.goto('/');
  return page;
}

async function logIn(page: Page, lang: 'vi' | 'en', username: string, password: string) {
  await page.locator('input[type="text"], input:not([type])').first().fill(username);
  await page.locator('input[type="password"]').fill(password);
  await page.getByRole('button', { name: TEXT[lang].login, exact: true }).click();
  await expect(page.getByRole('heading', { name: TEXT[lang].meetings })).toBeVisible();
}

/** Serious and critical violations on the page as it is now, with where they are. */
async function expectNoSeriousViolations(page: Page, screen: string) {
  // Transitions (modals, menus) finish before the colours are measured.
  await page.waitForTimeout(400);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ')}`), count: v.nodes.length }));
  expect(serious, `${screen}: serious or critical accessibility violations`).toEqual([]);
}

for (const { lang, theme } of COMBOS) {
  test(`${lang}, ${theme} theme: no serious or critical axe violations on any screen`, async ({ browser, baseURL }) => {
    test.setTimeout(400_000);
    const T = TEXT[lang];
    const tag = `${lang}-${theme}-${Date.now().toString(36)}`;
    const admin = await TestApi.admin(baseURL!);
    const chair = await person(admin, 'chair', `Chủ tọa Nguyễn Văn Chính ${tag}`);
    const secretary = await person(admin, 'secretary', `Thư ký Trần Thị Thảo ${tag}`);
    const delegate = await person(admin, 'delegate', `Đại biểu Lê Minh Đức ${tag}`);
    const title = `Họp kiểm tra tiếp cận ${tag}`;
    const start = new Date(Date.now() + 60_000);
    const meeting = await secretary.api.ok('POST', '/api/meetings', { title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id, description: 'Nội dung: báo cáo tình hình kinh tế – xã hội.' });
    const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/agenda`, { items: [{ title: 'Báo cáo tình hình kinh tế – xã hội', presenter: 'Sở Kế hoạch và Đầu tư', durationMinutes: 30 }] });
    await secretary.api.ok('PUT', `/api/meetings/${meeting.id}/invitations`, { delegateIds: [delegate.id] });
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'published' });
    const docTitle = `Báo cáo ${tag}`;
    await uploadFile(secretary.api, `/api/meetings/${meeting.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeVietnamesePdf({ pages: 2, title: docTitle }), `${docTitle}.pdf`);
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/documents/publish`);
    await secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'live' });

    const page = await openPage(browser, lang, theme);
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme);
    await expect(page.getByRole('button', { name: T.login, exact: true })).toBeVisible();
    await expectNoSeriousViolations(page, 'login');

    await logIn(page, lang, delegate.username, PASSWORD);
    await expect(page.getByTestId('meetings-live').getByText(title)).toBeVisible();
    await expectNoSeriousViolations(page, 'my meetings');

    await page.goto(`/#/meetings/${meeting.id}`);
    await expect(page.getByTestId('pack-section')).toBeVisible();
    await expect(page.getByText(`Chủ tọa Nguyễn Văn Chính ${tag}`).first()).toBeVisible();
    await expectNoSeriousViolations(page, 'meeting');

    await page.getByTestId('pack-section').getByTestId('document-row').filter({ hasText: docTitle }).getByTestId('open-document').click();
    await expect(page.getByTestId('pdf-page-1')).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
    await expectNoSeriousViolations(page, 'reader');

    await page.goto(`/#/meetings/${meeting.id}/join`);
    await expect(page.getByLabel(T.preview)).toBeVisible({ timeout: 60_000 });
    await expectNoSeriousViolations(page, 'pre-join');

    await page.getByRole('button', { name: T.join, exact: true }).click();
    await expect(page.getByTestId('leave-room')).toBeVisible({ timeout: 120_000 });
    await expectNoSeriousViolations(page, 'room');

    // A side panel takes the focus when it opens.
    await page.getByTestId('panel-button-chat').click();
    await expect(page.getByTestId('panel-chat').getByRole('heading').first()).toBeFocused();
    await expectNoSeriousViolations(page, 'room with a side panel');
    await page.getByTestId('panel-button-chat').click();

    const chairClient = await TestSignalingClient.connect(baseURL!, chair.token);
    try {
      await chairClient.request('join', { meetingId: meeting.id });
      const created = await chairClient.request('vote.create', { question: 'Thông qua kế hoạch năm 2027?', durationSeconds: null });
      await chairClient.request('vote.open', { voteId: created.vote.id });
      await expect(page.getByRole('dialog', { name: T.ballot, exact: true })).toBeVisible({ timeout: 60_000 });
      await expectNoSeriousViolations(page, 'ballot');
    } finally {
      chairClient.close();
    }
    await page.context().close();

    const adminPage = await openPage(browser, lang, theme);
    await logIn(adminPage, lang, 'admin', TEST_ADMIN_PASSWORD);
    for (const section of ['units', 'accounts']) {
      await adminPage.goto(`/#/admin/${section}`);
      await expect(adminPage.getByRole('main').getByRole('heading').first()).toBeVisible();
      await adminPage.waitForLoadState('networkidle');
      await expectNoSeriousViolations(adminPage, `admin ${section}`);
    }
    await adminPage.context().close();
  });
}
