/**
 * The minutes as a PDF in Vietnamese (reports/pdf.ts: pdfmake with an embedded font that has
 * every Vietnamese letter): heading, details, agenda, attendance, speaking turns, votes, the
 * chair's conclusions, and the signers' names. The bottom of each page is left free for the
 * signature stamps, which signing puts on the last page.
 */
import type { Content, TableCell } from 'pdfmake/interfaces';
import type { MinutesBlock, MinutesRecord } from '../../../common/api/minutes';
import { NATIONAL_HEADING, renderPdf, vnTime } from '../reports/pdf';

const hhmm = (iso: string) => new Date(iso).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false, hour: '2-digit', minute: '2-digit' });
const minutes = (seconds: number) => `${Math.round(seconds / 60)} phút`;
const header = (...labels: string[]): TableCell[] => labels.map((text) => ({ text, style: 'tableHeader' }));
const table = (widths: (string | number)[], head: TableCell[], rows: TableCell[][]): Content => ({ table: { headerRows: 1, widths, body: [head, ...rows] }, margin: [0, 2, 0, 6] });
const none = (text: string): Content => ({ text, italics: true, margin: [0, 0, 0, 4] });

export function conclusionsContent(blocks: MinutesBlock[]): Content[] {
  if (!blocks.length) return [none('Chưa có kết luận.')];
  return blocks.map((b): Content => {
    const runs = b.runs.map((r) => ({ text: r.text, bold: r.bold, italics: r.italic, ...(r.underline ? { decoration: 'underline' as const } : {}) }));
    if (b.kind === 'heading') return { text: runs, bold: true, fontSize: 13 - b.level, margin: [0, 6, 0, 2] };
    if (b.kind === 'item') return { columns: [{ width: 18, text: b.marker }, { width: '*', text: runs }], margin: [14 + 16 * b.level, 0, 0, 2] };
    return { text: runs, margin: [0, 0, 0, 4] };
  });
}

function attendanceContent(r: MinutesRecord): Content[] {
  const a = r.attendance;
  const out: Content[] = [];
  if (a.points.length) {
    out.push({ text: 'Các điểm cầu:', margin: [0, 2, 0, 0] });
    out.push(
      table(['*', '*', 60, 70, 60], header('Điểm cầu', 'Đơn vị', 'Có mặt', 'Kết nối lúc', 'Thời gian'), a.points.map((p) => [p.name, p.unitName, p.rollCall ? `${p.rollCall.presentCount}/${p.headcount}` : `—/${p.headcount}`, p.firstJoinedAt ? hhmm(p.firstJoinedAt) : 'Không kết nối', minutes(p.totalSeconds)])),
    );
  }
  if (a.delegates.length) {
    out.push({ text: 'Các đại biểu được mời:', margin: [0, 2, 0, 0] });
    out.push(table(['*', 80, 70, 60], header('Đại biểu', 'Tham dự', 'Vào lúc', 'Thời gian'), a.delegates.map((d) => [d.displayName, d.present || d.firstJoinedAt ? (d.markedAtPointId ? 'Có mặt tại điểm cầu' : 'Có mặt') : 'Vắng mặt', d.firstJoinedAt ? hhmm(d.firstJoinedAt) : '', minutes(d.totalSeconds)])));
  }
  if (a.others.length) out.push({ text: `Thành phần khác: ${a.others.map((o) => o.displayName).join(', ')}.`, margin: [0, 0, 0, 4] });
  const q = a.quorum;
  out.push({ text: `Số lượng có mặt: ${q.present}/${q.total} ${q.basis === 'points' ? 'điểm cầu' : 'đại biểu'} (cần ${q.required}) — ${q.met ? 'đủ' : 'không đủ'} số lượng theo quy định.`, margin: [0, 0, 0, 4] });
  return out;
}

function votesContent(r: MinutesRecord): Content[] {
  if (!r.votes.length) return [none('Không có nội dung biểu quyết.')];
  return r.votes.flatMap((v, i): Content[] => [
    { text: `${i + 1}. ${v.question}${v.agendaItem ? ` (mục ${v.agendaItem})` : ''} — ${v.secret ? 'bỏ phiếu kín' : 'biểu quyết công khai'}, kết thúc lúc ${vnTime(v.closedAt)}.`, margin: [0, 2, 0, 0] },
    table(['*', 60, 70], header('Phương án', 'Số phiếu', '% số phiếu'), v.options.map((o) => [o.label, String(o.count), `${o.percentOfCast}%`])),
    { text: [`Đã biểu quyết ${v.cast}/${v.eligible} người. `, { text: v.passed ? 'Kết quả: thông qua.' : 'Kết quả: không thông qua.', bold: true }, v.quorumMet ? '' : ' (không đủ điều kiện hợp lệ)'], margin: [0, 0, 0, 6] },
  ]);
}

export function minutesContent(r: MinutesRecord): Content[] {
  const m = r.meeting;
  const section = (text: string): Content => ({ text, style: 'heading' });
  return [
    ...NATIONAL_HEADING,
    { text: 'BIÊN BẢN CUỘC HỌP', style: 'title' },
    { text: m.title, style: 'subtitle' },
    { text: `Thời gian: từ ${vnTime(m.startsAt)} đến ${vnTime(m.endsAt)}.` },
    { text: `Địa điểm: ${m.place}.` },
    { text: `Chủ tọa: ${m.chairName}. Thư ký: ${m.secretaryName}.`, margin: [0, 0, 0, 4] },
    ...(m.description ? [{ text: m.description, italics: true, margin: [0, 0, 0, 4] } as Content] : []),
    section('I. CHƯƠNG TRÌNH HỌP'),
    ...(r.agenda.length ? r.agenda.map((a): Content => ({ text: `${a.position}. ${a.title}${a.presenter ? ` — trình bày: ${a.presenter}` : ''}` })) : [none('Không có chương trình.')]),
    section('II. THÀNH PHẦN THAM DỰ'),
    ...attendanceContent(r),
    section('III. DIỄN BIẾN: CÁC Ý KIẾN PHÁT BIỂU'),
    r.speakers.length
      ? table([70, '*', '*', '*'], header('Thời gian', 'Người phát biểu', 'Điểm cầu', 'Nội dung'), r.speakers.map((s) => [`${hhmm(s.startedAt)}–${s.endedAt ? hhmm(s.endedAt) : '…'}`, s.displayName, s.pointName, s.topic]))
      : none('Không có ý kiến phát biểu nào được ghi nhận.'),
    ...(r.recordings.length
      ? [
          { text: 'Cuộc họp được ghi hình:', margin: [0, 6, 0, 2] } as Content,
          ...r.recordings.map((g): Content => ({
            text: `— từ ${hhmm(g.startedAt)} đến ${g.stoppedAt ? hhmm(g.stoppedAt) : '…'}${g.status === 'deleted' ? ' (bản ghi đã xóa)' : ''}${g.sha256 ? `; SHA-256 của bản ghi: ${g.sha256}` : g.status === 'deleted' ? '' : ' (bản ghi đang được dựng)'}`,
            style: 'small',
          })),
        ]
      : []),
    section('IV. KẾT QUẢ BIỂU QUYẾT'),
    ...votesContent(r),
    section('V. KẾT LUẬN CỦA CHỦ TỌA'),
    ...conclusionsContent(r.conclusions),
    { text: `Biên bản được lập lúc ${vnTime(r.generatedAt)}.`, style: 'small', margin: [0, 10, 0, 10] },
    {
      columns: [
        { stack: [{ text: 'THƯ KÝ', bold: true }, { text: '(ký số)', italics: true }, { text: m.secretaryName, margin: [0, 8, 0, 0] }], alignment: 'center' },
        { stack: [{ text: 'CHỦ TỌA', bold: true }, { text: '(ký số)', italics: true }, { text: m.chairName, margin: [0, 8, 0, 0] }], alignment: 'center' },
      ],
      unbreakable: true,
    },
  ];
}

/** The minutes' PDF (bottom margin kept free for the signature stamps). */
export function minutesPdf(r: MinutesRecord): Promise<Buffer> {
  return renderPdf({ content: minutesContent(r), pageMargins: [50, 50, 50, 120], info: { title: `Biên bản — ${r.meeting.title}`, creator: 'Phòng họp' } });
}
