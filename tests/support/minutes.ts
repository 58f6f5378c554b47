/** The minutes' conclusions written as the renderer's editor writes them (tiptap's schema through y-tiptap), and PDF text. */
import { execFileSync } from 'node:child_process';
import { getSchema, type JSONContent } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { CONCLUSIONS_FIELD } from '../../common/api/minutes';

export const tiptapSchema = () => getSchema([StarterKit]);

/** Writes a ProseMirror JSON document into the doc's conclusions fragment. */
export function writeConclusions(doc: Y.Doc, content: JSONContent): void {
  prosemirrorJSONToYXmlFragment(tiptapSchema(), content, doc.getXmlFragment(CONCLUSIONS_FIELD));
}

export const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
export const t = (text: string, ...marks: string[]): JSONContent => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
export const li = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });

/** The text of a PDF, page by page as poppler's pdftotext reads it. */
export function pdfText(pdf: Uint8Array): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
}
