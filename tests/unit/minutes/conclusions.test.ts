/** The conclusions' ProseMirror fragment (as tiptap + Yjs store it) read back as blocks. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { conclusionsFromState } from '../../../sfu-server/src/minutes/conclusions';
import { li, p, t, writeConclusions } from '../../support/minutes';

const blocks = (content: Parameters<typeof writeConclusions>[1]) => {
  const doc = new Y.Doc();
  writeConclusions(doc, content);
  return conclusionsFromState(Y.encodeStateAsUpdate(doc));
};

describe('conclusions from the shared editor', () => {
  it('paragraphs keep their Vietnamese text and bold, italic and underline runs', () => {
    const got = blocks({ type: 'doc', content: [p(t('Thống nhất ')), p(t('Giao '), t('Sở Tài chính', 'bold'), t(' chủ trì, '), t('báo cáo trước 30/6', 'italic', 'underline'))] });
    expect(got).toEqual([
      { kind: 'paragraph', level: 0, marker: '', runs: [{ text: 'Thống nhất ', bold: false, italic: false, underline: false }] },
      {
        kind: 'paragraph',
        level: 0,
        marker: '',
        runs: [
          { text: 'Giao ', bold: false, italic: false, underline: false },
          { text: 'Sở Tài chính', bold: true, italic: false, underline: false },
          { text: ' chủ trì, ', bold: false, italic: false, underline: false },
          { text: 'báo cáo trước 30/6', bold: false, italic: true, underline: true },
        ],
      },
    ]);
  });

  it('headings, numbered and bulleted lists (nested) become items with their markers and depth', () => {
    const got = blocks({
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [t('Kết luận')] },
        { type: 'orderedList', attrs: { start: 1 }, content: [li(p(t('Đồng ý chủ trương'))), li(p(t('Giao nhiệm vụ')), { type: 'bulletList', content: [li(p(t('Ủy ban nhân dân xã')))] })] },
        p(t('Hết.')),
      ],
    });
    expect(got.map((b) => [b.kind, b.level, b.marker, b.runs.map((r) => r.text).join('')])).toEqual([
      ['heading', 2, '', 'Kết luận'],
      ['item', 0, '1.', 'Đồng ý chủ trương'],
      ['item', 0, '2.', 'Giao nhiệm vụ'],
      ['item', 1, '•', 'Ủy ban nhân dân xã'],
      ['paragraph', 0, '', 'Hết.'],
    ]);
  });

  it('an empty or never-opened editor has no conclusions; blank paragraphs around the text are dropped', () => {
    expect(conclusionsFromState(Y.encodeStateAsUpdate(new Y.Doc()))).toEqual([]);
    expect(blocks({ type: 'doc', content: [p(), p(t('  ')), p(t('Nội dung')), p()] }).map((b) => b.runs[0]?.text)).toEqual(['Nội dung']);
  });

  it('a hard break inside a paragraph is a line break', () => {
    expect(blocks({ type: 'doc', content: [p(t('Dòng một'), { type: 'hardBreak' }, t('Dòng hai'))] })[0]!.runs.map((r) => r.text).join('')).toBe('Dòng một\nDòng hai');
  });
});
