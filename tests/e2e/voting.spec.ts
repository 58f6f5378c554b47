/**
 * Votes and chat in the real UI: the chair creates and opens a vote in the room, three delegates
 * get the ballot (one of them joining late) and vote, the chair closes it, and everyone sees the
 * result; a chat message reaches another participant, with an unread badge on the chat button.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { logIn } from './support/conference';

/**
 * joinLiveMeeting with more time for the WebRTC set-up (four browsers share two busy cores here).
 * One click: a join that fails fails the test. (Joins used to be retried up to three times: the
 * server dropped a client after being busy itself for a heartbeat, before reading what the client
 * had sent meanwhile; fixed in signaling/connection.ts, tests/integration/signaling-busy-server.test.ts.)
 */
async function joinLiveMeeting(page: Page, title: string): Promise<void> {
  await page.getByTestId('meetings-live').getByText(title).first().click();
  await page.getByRole('link', { name: 'Vào phòng họp' }).first().click();
  await expect(page.getByLabel('Xem trước camera')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Tham gia' }).click();
  await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 150_000 });
}

async function vote(page: Page, option: string) {
  const ballot = page.getByRole('dialog', { name: 'Phiếu biểu quyết', exact: true });
  await expect(ballot).toBeVisible({ timeout: 30_000 });
  await expect(ballot.getByText('Thông qua Kế hoạch phát triển kinh tế - xã hội năm 2027?')).toBeVisible();
  await ballot.getByRole('radio', { name: option, exact: true }).check();
  await ballot.getByRole('button', { name: 'Gửi biểu quyết' }).click();
  // A ballot is final: it is sent only after the confirmation naming the choice.
  const confirm = page.getByRole('dialog', { name: 'Xác nhận phiếu biểu quyết' });
  await expect(confirm.getByTestId('ballot-confirm-choice')).toHaveText(option);
  await confirm.getByRole('button', { name: 'Xác nhận gửi phiếu' }).click();
  await expect(ballot).toBeHidden();
  const receipt = page.getByRole('dialog', { name: 'Đã ghi nhận phiếu' });
  await expect(receipt.getByTestId('vote-receipt-text')).toHaveText(/^Đã ghi nhận phiếu của bạn lúc \d{2}:\d{2}:\d{2}\.$/);
  await receipt.getByRole('button', { name: 'Đóng' }).click();
}

// Not yet passing (issue #6): in the clean-clone run a delegate's ballot dialog did not appear within 30 s after
// the chair opened the vote; ballots, results and chat are covered through real signaling in tests/integration/voting*.test.ts and chat.test.ts.
test('the chair opens a vote, three delegates vote, all see the result; chat reaches another client', async ({ browser, baseURL }) => {
  // Four real browsers with camera and microphone on a shared 2-core machine.
  test.setTimeout(900_000);
  const admin = await TestApi.admin(baseURL!);
  const names = ['Nguyễn Thị Hoa', 'Phạm Văn Đức', 'Lê Thị Ngọc'];
  const delegates = [];
  for (const n of names) delegates.push(await person(admin, 'delegate', n));
  const title = `Kỳ họp HĐND ${Date.now()}`;
  const meeting = await liveMeeting(admin, delegates, title);

  const chair = await logIn(browser, meeting.chair.username, PASSWORD);
  await joinLiveMeeting(chair, title);
  const d1 = await logIn(browser, delegates[0]!.username, PASSWORD);
  await joinLiveMeeting(d1, title);
  const d2 = await logIn(browser, delegates[1]!.username, PASSWORD);
  await joinLiveMeeting(d2, title);

  // The chair prepares the vote in the room's "Biểu quyết" panel and opens it.
  await chair.getByRole('button', { name: 'Biểu quyết' }).click();
  const panel = chair.getByTestId('panel-votes');
  await panel.getByRole('button', { name: 'Tạo biểu quyết' }).click();
  const form = chair.getByRole('dialog', { name: 'Tạo nội dung biểu quyết' });
  await form.getByLabel('Nội dung biểu quyết').fill('Thông qua Kế hoạch phát triển kinh tế - xã hội năm 2027?');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await expect(form).toBeHidden();
  const card = panel.getByTestId('vote-card').filter({ hasText: 'Thông qua Kế hoạch' });
  await expect(card.getByTestId('vote-status')).toHaveText('Chuẩn bị');
  await card.getByRole('button', { name: 'Mở biểu quyết' }).click();
  await expect(card.getByTestId('vote-status')).toHaveText('Đang biểu quyết');
  // The chair may vote too; here the chair leaves the ballot for later.
  await chair.getByRole('dialog', { name: 'Phiếu biểu quyết', exact: true }).getByRole('button', { name: 'Để sau' }).click();

  await vote(d1, 'Tán thành');
  await vote(d2, 'Tán thành');
  // The third delegate joins after the vote opened: the ballot is there for them too.
  const d3 = await logIn(browser, delegates[2]!.username, PASSWORD);
  await joinLiveMeeting(d3, title);
  await vote(d3, 'Không tán thành');
  await expect(card.getByText('3/5 người đã biểu quyết').first()).toBeVisible();
  // Open ballot: the counts are live.
  await expect(card.getByTestId('result-tan-thanh').getByTestId('result-count')).toHaveText('2 phiếu (66.7% số phiếu)');

  await card.getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
  await chair.getByRole('dialog', { name: 'Kết thúc biểu quyết ngay bây giờ?' }).getByRole('button', { name: 'Kết thúc biểu quyết' }).click();
  for (const page of [chair, d1, d2, d3]) {
    const result = page.getByRole('dialog', { name: 'Kết quả biểu quyết' });
    await expect(result).toBeVisible();
    // 2 of 5 eligible is not more than half of all eligible: not passed; 3 of 5 voted: quorum met.
    await expect(result.getByTestId('vote-passed')).toHaveText('Không được thông qua');
    await expect(result.getByText('Đủ điều kiện hợp lệ')).toBeVisible();
    await expect(result.getByTestId('result-tan-thanh').getByTestId('result-count')).toHaveText('2 phiếu (66.7% số phiếu)');
    await expect(result.getByTestId('result-khong-tan-thanh').getByTestId('result-count')).toHaveText('1 phiếu (33.3% số phiếu)');
    await result.getByText('Ai biểu quyết thế nào').click();
    await expect(result.getByRole('row', { name: /Lê Thị Ngọc/ })).toContainText('Không tán thành');
  }

  // Chat: d1 writes to everyone; d2 sees the unread badge, opens the chat and reads it.
  await d1.getByRole('dialog', { name: 'Kết quả biểu quyết' }).getByRole('button', { name: 'Đóng' }).click();
  await d2.getByRole('dialog', { name: 'Kết quả biểu quyết' }).getByRole('button', { name: 'Đóng' }).click();
  await d1.getByRole('button', { name: 'Trò chuyện' }).click();
  await d1.getByTestId('panel-chat').getByRole('textbox', { name: 'Nhắn cho mọi người' }).fill('Xin chào các đồng chí, tôi đề nghị bổ sung chỉ tiêu về chuyển đổi số.');
  await d1.getByTestId('panel-chat').getByRole('button', { name: 'Gửi', exact: true }).click();
  // The unread badge sits on the button's indicator (its parent).
  const chatBadge = d2.getByTestId('panel-button-chat').locator('xpath=..');
  await expect(chatBadge).toContainText('1');
  await d2.getByRole('button', { name: 'Trò chuyện' }).click();
  await expect(d2.getByTestId('panel-chat').getByTestId('chat-message')).toContainText(['Xin chào các đồng chí, tôi đề nghị bổ sung chỉ tiêu về chuyển đổi số.']);
  await expect(d2.getByTestId('panel-chat').getByTestId('chat-message')).toContainText(['Nguyễn Thị Hoa']);
  await expect(chatBadge).not.toContainText('1');

  for (const page of [chair, d1, d2, d3]) await page.context().close();
});
