/** Result exports: the plain report for the minutes, CSV for Excel (BOM, Vietnamese), PDF with an embedded Vietnamese font. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { votesCsv, votesPdf } from '../../sfu-server/src/voting/vote-export';
import { meetingVotesReport } from '../../sfu-server/src/voting/vote-report';
import { openTestServices, type TestServices } from '../support/stores';
import { insertLiveMeeting, votingOver } from '../support/voting-store';
import { enginePostgres, TEST_ENGINE } from '../support/test-engine';

let s: TestServices;
beforeAll(async () => {
  s = await openTestServices(TEST_ENGINE, await enginePostgres());
});
afterAll(async () => {
  await s?.close();
});

async function closedVotes() {
  const m = await insertLiveMeeting(s.db, 3);
  const voting = votingOver(s.db, TEST_ENGINE === 'postgres');
  const base = { agendaItemId: null, maxChoices: 1, durationSeconds: null, voterIds: null, quorum: 'majority' as const, passRule: 'majority_cast' as const };
  const open = await voting.create(m.chair, m.meetingId, { ...base, question: 'Thông qua Nghị quyết về ngân sách?', options: null, secret: false });
  const secret = await voting.create(m.chair, m.meetingId, { ...base, question: 'Bầu Phó Chủ tịch', options: ['Nguyễn Văn Ất', 'Trần Thị Bính'], secret: true });
  await voting.create(m.chair, m.meetingId, { ...base, question: 'Chưa mở', options: null, secret: false });
  for (const v of [open, secret]) {
    await voting.open(m.chair, v.vote.id);
    for (const [i, voter] of m.voters.entries()) await voting.cast(voter, v.vote.id, [v === open ? (i < 2 ? 'tan-thanh' : 'khong-bieu-quyet') : i < 2 ? 'p2' : 'p1']);
    await voting.close(m.chair, v.vote.id);
  }
  return { ...m, voting };
}

it('the report has the closed votes, their results and the named ballots of open ones', async () => {
  const m = await closedVotes();
  const report = await meetingVotesReport(s.db, m.meetingId);
  expect(report.votes.map((v) => v.question)).toEqual(['Thông qua Nghị quyết về ngân sách?', 'Bầu Phó Chủ tịch']);
  expect(report.votes[0]!.result).toMatchObject({ cast: 3, eligible: 5, passed: true, quorumMet: true });
  expect(report.votes[0]!.ballots).toEqual([
    { name: 'Đại biểu 1', choices: ['Tán thành'], recordedBy: null },
    { name: 'Đại biểu 2', choices: ['Tán thành'], recordedBy: null },
    { name: 'Đại biểu 3', choices: ['Không biểu quyết'], recordedBy: null },
  ]);
  expect(report.votes[1]!.ballots).toBeNull();
  expect(report.votes[1]!.result.options.map((o) => [o.label, o.count])).toEqual([['Nguyễn Văn Ất', 1], ['Trần Thị Bính', 2]]);
  // Only organisers (and admins) export.
  await expect(m.voting.report(m.voters[0]!, m.meetingId)).rejects.toMatchObject({ code: 'forbidden' });
  expect((await m.voting.report(m.secretary, m.meetingId)).votes).toHaveLength(2);
});

it('CSV: UTF-8 with a BOM, one row per option, Vietnamese intact', async () => {
  const m = await closedVotes();
  const csv = votesCsv(await meetingVotesReport(s.db, m.meetingId));
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).split('\r\n');
  expect(lines[0]).toContain('Nội dung biểu quyết');
  expect(lines.some((l) => l.includes('Bầu Phó Chủ tịch') && l.includes('Trần Thị Bính') && l.includes(',2,66.7,40,'))).toBe(true);
  expect(lines.some((l) => l.includes('Thông qua Nghị quyết về ngân sách?') && l.includes('Tán thành,2,66.7,40,5,3,Có,Thông qua'))).toBe(true);
});

it('PDF: a real document whose text (with Vietnamese tone marks) can be extracted', async () => {
  const m = await closedVotes();
  const pdf = await votesPdf(await meetingVotesReport(s.db, m.meetingId));
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, disableFontFace: true }).promise;
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
  expect(text).toContain('KẾT QUẢ BIỂU QUYẾT');
  expect(text).toContain('Bầu Phó Chủ tịch');
  expect(text).toContain('Trần Thị Bính');
  expect(text).toContain('KẾT QUẢ: THÔNG QUA.');
  // The font is embedded (a subset of Roboto), not left to the reader's system.
  expect(pdf.includes('/FontFile2')).toBe(true);
  expect(pdf.includes('Roboto')).toBe(true);
  await doc.destroy();
});
