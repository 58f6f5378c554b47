/**
 * pdf.js's viewer components (pdfjs-dist/web/pdf_viewer.mjs: the link service, the find
 * controller) read the display library from `globalThis.pdfjsLib` when they load: import this
 * module before them.
 */
import * as pdfjsLib from 'pdfjs-dist';

(globalThis as { pdfjsLib?: unknown }).pdfjsLib ??= pdfjsLib;
