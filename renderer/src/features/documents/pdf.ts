/**
 * pdf.js for the viewer: its worker bundled by Vite, and its character maps, standard fonts, ICC
 * profiles and wasm decoders served by our server (`pdfjs/…` next to the app, see
 * vite-pdfjs-assets.ts). No CDN, no eval (the CSP forbids it).
 */
import { getDocument, GlobalWorkerOptions, PDFWorker, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

const asset = (folder: string) => new URL(`pdfjs/${folder}/`, document.baseURI).toString();

let worker: PDFWorker | null = null;

/**
 * One pdf.js worker for every document this page opens: starting a worker (loading and compiling
 * its 1 MB script) is most of the time to the first page, so it is paid once, ahead of the click.
 */
function sharedWorker(): PDFWorker {
  if (!worker || worker.destroyed) worker = new PDFWorker();
  return worker;
}

/** Starts the worker now (a list of documents is on screen: one of them is likely to be opened). */
export function prewarmPdf(): void {
  sharedWorker();
}

/** Opens a PDF from bytes; the bytes are copied (pdf.js takes over the buffer it is given). */
export function openPdf(bytes: Uint8Array): { promise: Promise<PDFDocumentProxy>; destroy: () => void } {
  const task = getDocument({
    data: bytes.slice(),
    worker: sharedWorker(),
    cMapUrl: asset('cmaps'),
    cMapPacked: true,
    standardFontDataUrl: asset('standard_fonts'),
    wasmUrl: asset('wasm'),
    iccUrl: asset('iccs'),
    isEvalSupported: false,
    enableXfa: false,
  });
  return { promise: task.promise, destroy: () => void task.destroy() };
}
