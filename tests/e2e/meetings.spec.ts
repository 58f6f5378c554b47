/**
 * A meeting's whole life through the UI, as the people involved live it: the secretary creates
 * it, writes the agenda, invites a bridge point and a delegate, publishes and starts it; the
 * delegate and the bridge point's operator find it in "my meetings", read the agenda and join
 * the room, where each sees the other; someone who was not invited finds nothing and cannot get
 * in even with the address; the secretary ends it and everyone in the room is told why they left.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { PASSWORD, person, TestApi } from '../support/api-client';
import { logIn, tile } from './support/conference';

/** What one types in the form's date-time field ("dd/mm/yyyy hh:mm", Vietnam time), `ms` from now. */
function vietnamInput(fromNowMs: number): string {
  const [date, time] = new Date(Date.now() + fromNowMs + 7 * 3600_000).toISOString().slice(0, 16).split('T') as [string, string];
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y} ${time}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Picks a person in one of the meeting form's searchable selects (chair, secretary). */
async function choose(page: Page, label: string, name: string): Promise<void> {
  const input = page.getByRole('dialog').getByRole('combobox', { name: label, exact: true });
  await input.click();
  await input.fill(name);
  await page.getByRole('option', { name, exact: true }).click();
  await expect(input).toHaveValue(name);
}

/** A status change from the meeting page's toolbar, confirmed in its dialog; the badge follows. */
async function transition(page: Page, button: string, dialogTitle: string, confirm: string, status: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Thao tác với cuộc họp' }).getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: dialogTitle });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('meeting-status')).toHaveText(status);
}

// A step that cannot happen should fail the test soon, not at the end of its time.
test.use({ actionTimeout: 15_000 });

test('a secretary prepares, publishes, starts and ends a meeting; invitees join it, others cannot', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  // Names unique to this run: the secretary sees every account and unit on the server.
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const names = {
    chair: `Nguyễn Văn Chính ${tag}`,
    secretary: `Trần Thị Thảo ${tag}`,
    delegate: `Lê Minh Đức ${tag}`,
    operator: `Vũ Thị Hạnh ${tag}`,
    outsider: `Bùi Quang Khải ${tag}`,
  };
  const point = `Phòng họp ${names.operator}`;
  const unit = `UBND xã ${names.operator}`;

  // 1. The accounts, made by the administrator (the operator's with a unit and a bridge point).
  const admin = await TestApi.admin(baseURL!);
  await person(admin, 'chair', names.chair);
  const secretary = await person(admin, 'secretary', names.secretary);
  const delegate = await person(admin, 'delegate', names.delegate);
  const operator = await person(admin, 'operator', names.operator);
  const outsider = await person(admin, 'delegate', names.outsider);

  // 2. The secretary creates the meeting.
  const sec = await logIn(browser, secretary.username, PASSWORD);
  const title = `Họp giao ban chuyển đổi số ${tag}`;
  await sec.getByRole('button', { name: 'Tạo cuộc họp' }).click();
  const form = sec.getByRole('dialog', { name: 'Tạo cuộc họp' });
  await expect(form).toBeVisible();
  await form.getByRole('textbox', { name: 'Tên cuộc họp' }).fill(title);
  await form.getByLabel(/^Bắt đầu/).fill(vietnamInput(5 * 60_000));
  await form.getByLabel(/^Kết thúc/).fill(vietnamInput(5 * 60_000 + 2 * 3600_000));
  await choose(sec, 'Chủ trì', names.chair);
  await choose(sec, 'Thư ký', names.secretary);
  await form.getByRole('button', { name: 'Tạo cuộc họp' }).click();
  await expect(form).toBeHidden();

  // The meeting page: a draft, with its people.
  await expect(sec.getByRole('heading', { name: title })).toBeVisible();
  await expect(sec.getByTestId('meeting-status')).toHaveText('Bản nháp');
  await expect(sec.getByTestId('meeting-chair')).toHaveText(names.chair);
  await expect(sec.getByTestId('meeting-secretary')).toHaveText(names.secretary);
  await expect(sec.getByText('Chưa có chương trình họp.')).toBeVisible();
  const id = /#\/meetings\/([^/?]+)$/.exec(sec.url())?.[1];
  expect(id, `meeting id in ${sec.url()}`).toBeTruthy();

  // The agenda: three items.
  const agenda = [
    { title: 'Khai mạc, giới thiệu thành phần', presenter: names.chair, minutes: 10 },
    { title: 'Báo cáo tiến độ chuyển đổi số quý IV', presenter: 'Sở Thông tin và Truyền thông', minutes: 30 },
    { title: 'Thảo luận và kết luận', presenter: names.chair, minutes: 20 },
  ];
  await sec.getByRole('button', { name: 'Sửa chương trình' }).click();
  const agendaDialog = sec.getByRole('dialog', { name: 'Sửa chương trình họp' });
  await expect(agendaDialog).toBeVisible();
  for (const [i, item] of agenda.entries()) {
    const n = i + 1;
    await agendaDialog.getByRole('button', { name: 'Thêm mục' }).click();
    await expect(agendaDialog.getByTestId('agenda-row')).toHaveCount(n);
    await agendaDialog.getByRole('textbox', { name: `Nội dung mục ${n}`, exact: true }).fill(item.title);
    await agendaDialog.getByRole('textbox', { name: `Người trình bày mục ${n}`, exact: true }).fill(item.presenter);
    await agendaDialog.getByRole('textbox', { name: `Số phút của mục ${n}`, exact: true }).fill(String(item.minutes));
  }
  await expect(agendaDialog.getByText('Tổng thời lượng: 60 phút')).toBeVisible();
  await agendaDialog.getByRole('button', { name: 'Lưu chương trình' }).click();
  await expect(agendaDialog).toBeHidden();
  const expectAgenda = async (page: Page) => {
    const rows = page.getByTestId('agenda-list').getByRole('listitem');
    await expect(rows).toHaveCount(agenda.length);
    for (const [i, item] of agenda.entries()) {
      await expect(rows.nth(i)).toHaveText(new RegExp(`^${escape(item.title)}${escape(item.presenter)} · ${item.minutes} phút$`));
    }
    await expect(page.getByText('Tổng thời lượng: 60 phút')).toBeVisible();
  };
  await expectAgenda(sec);

  // The invitations: the operator's bridge point from the unit tree, the delegate by name.
  await sec.getByRole('button', { name: 'Mời tham dự' }).click();
  const invite = sec.getByRole('dialog', { name: 'Mời tham dự' });
  await expect(invite).toBeVisible();
  await expect(invite.getByTestId('invitation-summary')).toHaveText('Đã chọn 0 điểm cầu và 0 đại biểu.');
  const tree = invite.getByRole('list', { name: 'Đơn vị và điểm cầu' });
  await tree.getByRole('checkbox', { name: new RegExp(`^${escape(point)} \\(25 người\\)`) }).check();
  await expect(tree.getByRole('checkbox', { name: new RegExp(`^${escape(unit)}`) })).toBeChecked();
  await expect(invite.getByTestId('invitation-summary')).toHaveText('Đã chọn 1 điểm cầu và 0 đại biểu.');
  await invite.getByRole('tab', { name: /^Đại biểu/ }).click();
  await invite.getByRole('textbox', { name: 'Tìm theo tên, chức vụ' }).fill(names.delegate);
  await invite.getByRole('checkbox', { name: new RegExp(`^${escape(names.delegate)}`) }).check();
  await expect(invite.getByTestId('invitation-summary')).toHaveText('Đã chọn 1 điểm cầu và 1 đại biểu.');
  await expect(invite.getByRole('tab', { name: 'Điểm cầu (1)' })).toBeVisible();
  await expect(invite.getByRole('tab', { name: 'Đại biểu (1)' })).toBeVisible();
  await invite.getByRole('button', { name: 'Lưu danh sách mời' }).click();
  await expect(invite).toBeHidden();
  const invited = sec.getByRole('region', { name: 'Thành phần mời' });
  await expect(invited.getByText('1 điểm cầu', { exact: true })).toBeVisible();
  await expect(invited.getByText('khoảng 25 người')).toBeVisible();
  await expect(invited.getByTestId('invited-points')).toContainText(unit);
  await expect(invited.getByTestId('invited-points')).toContainText(point);
  await expect(invited.getByText('1 đại biểu', { exact: true })).toBeVisible();
  await expect(invited.getByTestId('invited-delegates').getByRole('listitem')).toHaveText([names.delegate]);

  // Published, then started.
  await transition(sec, 'Công bố', 'Công bố cuộc họp?', 'Công bố', 'Đã công bố');
  await expect(sec.getByTestId('join-blocked')).toContainText('Cuộc họp chưa bắt đầu');
  await transition(sec, 'Bắt đầu', 'Bắt đầu cuộc họp?', 'Bắt đầu', 'Đang diễn ra');
  await expect(sec.getByText('Cuộc họp đang diễn ra. Bạn có thể vào phòng họp.')).toBeVisible();

  /**
   * An invitee finds the meeting under "Đang diễn ra", opens it, reads the agenda, goes to the
   * pre-join screen (which says who they will appear as) and joins the room.
   */
  const findAndJoin = async (page: Page, who: { name: string; point?: string }) => {
    const item = page.getByTestId('meetings-live').getByTestId('meeting-item').filter({ hasText: title });
    await expect(item).toHaveCount(1);
    await expect(item.getByTestId('meeting-status')).toHaveText('Đang diễn ra');
    await item.getByRole('link', { name: title, exact: true }).click();
    await expect(page.getByRole('heading', { name: title })).toBeVisible();
    await expect(page.getByTestId('meeting-status')).toHaveText('Đang diễn ra');
    await expectAgenda(page);
    // Where they stand among the invited: their own bridge point, or themselves by name.
    if (who.point) await expect(page.getByTestId('invited-points')).toContainText(`${who.point} (25 người) · điểm cầu của bạn`);
    else await expect(page.getByTestId('invited-delegates').getByRole('listitem')).toHaveText([`${who.name} · bạn`]);
    await page.getByRole('link', { name: 'Vào phòng họp', exact: true }).click();
    await expect(page.getByLabel('Xem trước camera')).toBeVisible();
    await expect(page.getByTestId('join-meeting')).toContainText(title);
    await expect(page.getByTestId('join-name')).toContainText(who.name);
    if (who.point) await expect(page.getByText(who.point, { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Tham gia' }).click();
    // Joining is several round trips and two WebRTC transports: slow on a busy machine.
    await expect(page.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 45_000 });
    // The spec checks who is in the room, not their pictures: two browsers encoding and decoding
    // cameras slowed every later step (a traced run at load ~40: no step over 16 s, the form's date
    // fields 0.1–0.4 s, yet logins of the next browsers took 8–10 s per field and the whole run
    // went past 240 s while closing its contexts).
    await page.getByRole('button', { name: 'Tắt camera' }).click();
    await expect(page.getByRole('button', { name: 'Bật camera' })).toBeVisible();
  };

  // 3. The delegate joins.
  const del = await logIn(browser, delegate.username, PASSWORD);
  await findAndJoin(del, { name: names.delegate });

  // 4. The operator does the same for their bridge point; each sees the other.
  const op = await logIn(browser, operator.username, PASSWORD);
  await findAndJoin(op, { name: names.operator, point });
  await expect(tile(del, names.operator)).toBeVisible();
  await expect(tile(del, names.operator).getByTestId('tile-point')).toHaveText(point);
  await expect(tile(del, names.operator).getByTestId('tile-unit')).toHaveText(`${unit} · Xã · 25 người`);
  await expect(tile(op, names.delegate)).toBeVisible();
  await expect(tile(op, names.delegate).getByTestId('tile-point')).toHaveCount(0);
  for (const page of [del, op]) {
    await expect(page.getByTestId('participant-tile')).toHaveCount(1);
    await expect(page.getByTestId('participant-count')).toHaveText('2 điểm cầu');
  }

  // 5. Someone not invited sees nothing of it, and the addresses refuse them.
  const out = await logIn(browser, outsider.username, PASSWORD);
  for (const section of ['meetings-live', 'meetings-upcoming', 'meetings-past']) {
    await expect(out.getByTestId(section)).toBeVisible();
    await expect(out.getByTestId(section).getByText(title)).toHaveCount(0);
  }
  await expect(out.getByText('Hiện không có cuộc họp nào đang diễn ra.')).toBeVisible();
  const refusal = 'Không tìm thấy cuộc họp này, hoặc bạn không có trong danh sách mời.';
  for (const path of [`/#/meetings/${id}`, `/#/meetings/${id}/join`]) {
    await out.goto(path);
    await expect(out.getByRole('alert').filter({ hasText: 'Không mở được cuộc họp' })).toContainText(refusal);
    await expect(out.getByText(title)).toHaveCount(0);
    await expect(out.getByRole('link', { name: 'Vào phòng họp' })).toHaveCount(0);
    await expect(out.getByRole('button', { name: 'Tham gia' })).toHaveCount(0);
    await expect(out.getByLabel('Xem trước camera')).toHaveCount(0);
    await expect(out.getByRole('button', { name: 'Rời phòng' })).toHaveCount(0);
  }
  // Nobody else came into the room meanwhile.
  await expect(del.getByTestId('participant-count')).toHaveText('2 điểm cầu');

  // 6. The secretary ends the meeting: the room closes and both are told why.
  await transition(sec, 'Kết thúc', 'Kết thúc cuộc họp?', 'Kết thúc cuộc họp', 'Đã kết thúc');
  await expect(sec.getByTestId('join-blocked')).toHaveText('Cuộc họp đã kết thúc, không thể vào phòng họp.');
  for (const page of [del, op]) {
    await expect(page.getByText('Bạn đã rời phòng.')).toBeVisible();
    await expect(page.getByTestId('left-reason')).toHaveText('Cuộc họp đã kết thúc, phòng họp trực tuyến đã đóng.');
    await expect(page.getByRole('button', { name: 'Rời phòng' })).toHaveCount(0);
    await expect(page.getByTestId('participant-tile')).toHaveCount(0);
  }
  // Back on the meeting page, the delegate sees it has ended and cannot go back in.
  await del.getByRole('link', { name: 'Về trang cuộc họp' }).click();
  await expect(del.getByTestId('meeting-status')).toHaveText('Đã kết thúc');
  await expect(del.getByTestId('join-blocked')).toHaveText('Cuộc họp đã kết thúc, không thể vào phòng họp.');
  await expect(del.getByRole('link', { name: 'Vào phòng họp', exact: true })).toHaveCount(0);

  for (const page of [sec, del, op, out]) await page.context().close();
});
