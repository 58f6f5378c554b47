/** A meeting's vote results as CSV (UTF-8 with BOM, for Excel) and as PDF (reports/pdf.ts). */
import { stringify } from 'csv-stringify/sync';
import type { Content, TableCell } from 'pdfmake/interfaces';
import { NATIONAL_HEADING, renderPdf, vnTime } from '../reports/pdf';
import type { MeetingVotesReport } from './vote-report';

const QUORUM_VI = { none: 'Không yêu cầu', majority: 'Quá nửa số người được biểu quyết', two_thirds: 'Ít nhất hai phần ba số người được biểu quyết' } as const;
const PASS_VI = {
  majority_eligible: 'Quá nửa tổng số người được biểu quyết',
  majority_cast: 'Quá nửa số phiếu biểu quyết',
  two_thirds_eligible: 'Ít nhất hai phần ba tổng số người được biểu quyết',
  two_thirds_cast: 'Ít nhất hai phần ba số phiếu biểu quyết',
} as const;

export function votesCsv(report: MeetingVotesReport): string {
  const rows: (string | number)[][] = [['Cuộc họp', 'Nội dung biểu quyết', 'Mục chương trình', 'Hình thức', 'Kết thúc lúc', 'Phương án', 'Số phiếu', '% số phiếu biểu quyết', '% tổng số người được biểu quyết', 'Số người được biểu quyết', 'Số người đã biểu quyết', 'Đủ điều kiện hợp lệ', 'Kết quả', 'Mã chuỗi kiểm chứng']];
  for (const v of report.votes) {
    for (const o of v.result.options) {
      rows.push([report.title, v.question, v.agendaItem ?? '', v.secret ? 'Bỏ phiếu kín' : 'Công khai', vnTime(v.closedAt), o.label, o.count, o.percentOfCast, o.percentOfEligible, v.result.eligible, v.result.cast, v.result.quorumMet ? 'Có' : 'Không', v.result.passed ? 'Thông qua' : 'Không thông qua', v.result.chainHead]);
    }
    for (const b of v.ballots ?? []) rows.push([report.title, v.question, v.agendaItem ?? '', 'Phiếu ghi danh', '', b.choices.join('; '), '', '', '', '', '', '', b.name + (b.recordedBy ? ` (ghi hộ: ${b.recordedBy})` : ''), '']);
  }
  return '\uFEFF' + stringify(rows, { record_delimiter: 'windows' });
}

export function votesPdf(report: MeetingVotesReport): Promise<Buffer> {
  const content: Content[] = [...NATIONAL_HEADING, { text: 'KẾT QUẢ BIỂU QUYẾT', style: 'title' }, { text: `${report.title} — ${vnTime(report.startsAt)}`, style: 'subtitle' }];
  if (!report.votes.length) content.push({ text: 'Chưa có biểu quyết nào kết thúc.', italics: true });
  report.votes.forEach((v, i) => {
    content.push({ text: `${i + 1}. ${v.question}`, style: 'heading' });
    content.push({
      text: [
        v.agendaItem ? `Mục chương trình: ${v.agendaItem}. ` : '',
        `Hình thức: ${v.secret ? 'bỏ phiếu kín' : 'biểu quyết công khai'}. Điều kiện hợp lệ: ${QUORUM_VI[v.quorum].toLowerCase()}. Điều kiện thông qua: ${PASS_VI[v.passRule].toLowerCase()}. Kết thúc lúc ${vnTime(v.closedAt)}.`,
      ],
      margin: [0, 0, 0, 4],
    });
    const body: TableCell[][] = [[{ text: 'Phương án', style: 'tableHeader' }, { text: 'Số phiếu', style: 'tableHeader' }, { text: '% số phiếu', style: 'tableHeader' }, { text: '% tổng số', style: 'tableHeader' }]];
    for (const o of v.result.options) body.push([o.label, String(o.count), `${o.percentOfCast}%`, `${o.percentOfEligible}%`]);
    content.push({ table: { headerRows: 1, widths: ['*', 60, 70, 70], body } });
    content.push({
      text: [`Đã biểu quyết: ${v.result.cast}/${v.result.eligible} người. `, { text: v.result.quorumMet ? 'Đủ điều kiện hợp lệ. ' : 'Không đủ điều kiện hợp lệ. ' }, { text: v.result.passed ? 'KẾT QUẢ: THÔNG QUA.' : 'KẾT QUẢ: KHÔNG THÔNG QUA.', bold: true }],
      margin: [0, 4, 0, 2],
    });
    if (v.ballots?.length) {
      content.push({ text: 'Danh sách biểu quyết (công khai):', margin: [0, 4, 0, 2] });
      content.push({ table: { headerRows: 1, widths: ['*', '*'], body: [[{ text: 'Đại biểu', style: 'tableHeader' }, { text: 'Lựa chọn', style: 'tableHeader' }], ...v.ballots.map((b) => [b.name + (b.recordedBy ? ` (ghi hộ: ${b.recordedBy})` : ''), b.choices.join(', ')])] } });
    }
    content.push({ text: `Mã chuỗi kiểm chứng: ${v.result.chainHead}`, style: 'small', margin: [0, 2, 0, 0] });
  });
  content.push({ text: `Chuỗi kiểm chứng của cuộc họp (kiểm tra bằng "npm run verify-votes -- ${report.meetingId}"): ${report.chainHead}`, style: 'small', margin: [0, 16, 0, 0] });
  return renderPdf({ content, info: { title: `Kết quả biểu quyết — ${report.title}`, creator: 'Phòng họp' } });
}
