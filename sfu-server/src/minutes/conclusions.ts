/**
 * The chair's conclusions as the shared editor stores them (a ProseMirror document in a Yjs
 * XmlFragment, as y-prosemirror / tiptap's Collaboration write it) turned into plain blocks:
 * paragraphs, headings and list items with their bold, italic and underline runs. Node kinds
 * this does not know are read as paragraphs of their text, so nothing typed is lost.
 */
import * as Y from 'yjs';
import { CONCLUSIONS_FIELD, type MinutesBlock, type MinutesRun } from '../../../common/api/minutes';

type Delta = { insert?: unknown; attributes?: Record<string, unknown> }[];

const LISTS = new Set(['bulletList', 'orderedList', 'taskList']);

function runsOf(el: Y.XmlElement | Y.XmlText): MinutesRun[] {
  if (el instanceof Y.XmlText) {
    return (el.toDelta() as Delta)
      .filter((d): d is { insert: string; attributes?: Record<string, unknown> } => typeof d.insert === 'string')
      .map((d) => ({ text: d.insert, bold: Boolean(d.attributes?.['bold']), italic: Boolean(d.attributes?.['italic']), underline: Boolean(d.attributes?.['underline']) }));
  }
  if (el.nodeName === 'hardBreak') return [{ text: '\n', bold: false, italic: false, underline: false }];
  return el.toArray().flatMap((child) => (child instanceof Y.XmlElement || child instanceof Y.XmlText ? runsOf(child) : []));
}

function walk(node: Y.XmlElement, depth: number, marker: string, out: MinutesBlock[]): void {
  const name = node.nodeName;
  if (LISTS.has(name)) {
    const start = Number(node.getAttribute('start') ?? 1) || 1;
    node.toArray().forEach((item, i) => {
      if (item instanceof Y.XmlElement) walk(item, depth + 1, name === 'orderedList' ? `${start + i}.` : '•', out);
    });
    return;
  }
  if (name === 'listItem' || name === 'taskItem' || name === 'blockquote') {
    let first = true;
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      if (LISTS.has(child.nodeName)) walk(child, depth, '', out);
      else if (first && name !== 'blockquote') out.push({ kind: 'item', level: Math.max(0, depth - 1), marker, runs: runsOf(child) });
      else walk(child, depth, marker, out);
      first = false;
    }
    return;
  }
  if (name === 'horizontalRule') return;
  const runs = runsOf(node);
  if (name === 'heading') out.push({ kind: 'heading', level: Math.min(3, Math.max(1, Number(node.getAttribute('level') ?? 1) || 1)), marker: '', runs });
  else if (depth > 0) out.push({ kind: 'item', level: depth - 1, marker: '', runs });
  else out.push({ kind: 'paragraph', level: 0, marker: '', runs });
}

/** The blocks of a conclusions fragment; empty paragraphs at the start and end are dropped. */
export function conclusionsFromFragment(fragment: Y.XmlFragment): MinutesBlock[] {
  const out: MinutesBlock[] = [];
  for (const node of fragment.toArray()) if (node instanceof Y.XmlElement) walk(node, 0, '', out);
  const blank = (b: MinutesBlock) => b.runs.every((r) => r.text.trim() === '');
  while (out.length && blank(out[0]!)) out.shift();
  while (out.length && blank(out[out.length - 1]!)) out.pop();
  return out;
}

/** The blocks of the conclusions held in a whole-document Yjs update. */
export function conclusionsFromState(update: Uint8Array): MinutesBlock[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return conclusionsFromFragment(doc.getXmlFragment(CONCLUSIONS_FIELD));
  } finally {
    doc.destroy();
  }
}
