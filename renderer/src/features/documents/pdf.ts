/**
 * pdf.js for the viewer: its worker bundled by Vite, and its character maps, standard fonts, ICC
 * profiles and wasm decoders served by our server (`pdfjs/…` next to the app, see
 * vite-pdfjs-assets.ts). No CDN, no eval (the CSP forbids it).
 */
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

const asset = (folder: string) => new URL(`pdfjs/${folder}/`, document.baseURI).toString();

/** Opens a PDF from bytes; the bytes are copied (pdf.js takes over the buffer it is given). */
export function openPdf(bytes: Uint8Array): { promise: Promise<PDFDocumentProxy>; destroy: () => void } {
  const task = getDocument({
    data: bytes.slice(),
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
