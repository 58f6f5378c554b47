/**
 * Votes that cannot go wrong (issue 15), in the real UI against the real server and SFU: the
 * ballot stays in front of the delegate whatever is clicked outside it or Escape; choosing and
 * pressing "Gửi biểu quyết" records nothing until the confirmation naming the choice is accepted
 * ("Chọn lại" sends nothing); afterwards a receipt with the time; the chair's Votes button carries
 * a badge while the chair's own ballot waits; closing the vote asks first.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { enterRoom, logInPatiently } from './support/room-entry';

const QUESTION = 'Thông qua Đề án chuyển đổi số tỉnh giai đoạn 2026–2030?';


test('a ballot needs a confirmation, survives clicks outside and Escape, and gives a receipt', async ({ browser, baseURL }) => {
  // Two browsers on a shared 2-core machine: the runs here took 2.4–3.1 min at load ~20–40 and over 10 min at load ~60.
  test.setTimeout(900_000);
  const admin = await TestApi.admin(baseURL!);
  const delegate = await person(admin, 'delegate', 'Hoàng Thị Lan');
  const title = `Kỳ họp biểu quyết an toàn ${Date.now()}`;
  const meeting = await liveMeeting(admin, [delegate], title);

  const chair = await logInPatiently(browser, meeting.chair.username, PASSWORD);
  await enterRoom(chair, title);
  const d = await logInPatiently(browser, delegate.username, PASSWORD);
  await enterRoom(d, title);

  await chair.getByRole('button', { name: 'Biểu quyết' }).click();
  const panel = chair.getByTestId('panel-votes');
  await panel.getByRole('button', { name: 'Tạo biểu quyết' }).click();
  const form = chair.getByRole('dialog', { name: 'Tạo nội dung biểu quyết' });
  await form.getByLabel('Nội dung biểu quyết').fill(QUESTION);
  await form.getByRole('button', { name: 'Lưu' }).click();
  await expect(form).toBeHidden();
  const card = panel.getByTestId('vote-card').filter({ hasText: QUESTION });
  await card.getByRole('button', { name: 'Mở biểu quyết' }).click();
  await expect(card.getByTestId('vote-status')).toHaveText('Đang biểu quyết');

  // The chair is a voter too: the ballot is put aside only with its own "Để sau" button; then the
  // Votes button carries a badge (its indicator is the button's parent).
  const chairBallot = chair.getByRole('dialog', { name: 'Phiếu biểu quyết', exact: true });
  await expect(chairBallot).toBeVisible();
  const votesBadge = chair.getByTestId('panel-button-votes').locator('xpath=..');
  await chairBallot.getByRole('button', { name: 'Để sau' }).click();
  await expect(chairBallot).toBeHidden();
  await expect(votesBadge).toContainText('1');

  // The delegate's ballot: a click outside it and Escape leave it where it is.
  const ballot = d.getByRole('dialog', { name: 'Phiếu biểu quyết', exact: true });
  await expect(ballot.getByText(QUESTION)).toBeVisible({ timeout: 30_000 });
  await d.mouse.click(5, 5);
  await d.keyboard.press('Escape');
  await d.waitForTimeout(500);
  await expect(ballot).toBeVisible();
  await expect(ballot.getByText(QUESTION)).toBeVisible();

  // Choosing and pressing "Gửi biểu quyết" only asks; "Chọn lại" sends nothing.
  await ballot.getByRole('radio', { name: 'Không tán thành', exact: true }).check();
  await ballot.getByRole('button', { name: 'Gửi biểu quyết' }).click();
  const confirm = d.getByRole('dialog', { name: 'Xác nhận phiếu biểu quyết' });
  await expect(confirm.getByTestId('ballot-confirm-choice')).toHaveText('Không tán thành');
  await confirm.getByRole('button', { name: 'Chọn lại' }).click();
  await expect(confirm).toBeHidden();
  await expect(ballot).toBeVisible();
  // Nothing reached the server: the chair still sees no ballot cast (chair, secretary, delegate eligible).
  await d.waitForTimeout(1000);
  await expect(card.getByText('0/3 người đã biểu quyết').first()).toBeVisible();

  // Another choice, confirmed this time: the confirmation shows the new choice, then a receipt.
  await ballot.getByRole('radio', { name: 'Tán thành', exact: true }).check();
  await ballot.getByRole('button', { name: 'Gửi biểu quyết' }).click();
  await expect(confirm.getByTestId('ballot-confirm-choice')).toHaveText('Tán thành');
  await confirm.getByRole('button', { name: 'Xác nhận gửi phiếu' }).click();
  await expect(ballot).toBeHidden();
  const receipt = d.getByRole('dialog', { name: 'Đã ghi nhận phiếu' });
  await expect(receipt.getByTestId('vote-receipt-text')).toHaveText(/^Đã ghi nhận phiếu của bạn lúc \d{2}:\d{2}:\d{2}\.$/);
  await expect(receipt.getByTestId('vote-receipt-choice')).toHaveText('Phương án đã chọn: Tán thành');
  await receipt.getByRole('button', { name: 'Đóng' }).click();
  await expect(card.getByText('1/3 người đã biểu quyết').first()).toBeVisible();
  await expect(card.getByTestId('result-tan-thanh').getByTestId('result-count')).toHaveText('1 phiếu (100% số phiếu)');

  // Closing asks first: "Quay lại" keeps the vote open.
  await card.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
  const closeConfirm = chair.getByRole('dialog', { name: 'Kết thúc biểu quyết ngay bây giờ?' });
  await closeConfirm.getByRole('button', { name: 'Quay lại' }).click();
  await expect(closeConfirm).toBeHidden();
  await expect(card.getByTestId('vote-status')).toHaveText('Đang biểu quyết');
  await card.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
  await closeConfirm.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
  await expect(card.getByTestId('vote-status')).toHaveText('Đã kết thúc');
  await expect(votesBadge).not.toContainText('1');
});
