/**
 * The composition root of the PDF viewer's extensions (the shapes are in
 * `features/documents/page-overlays.ts`): what features draw over each page and add to the
 * viewer's annotation bar. App provides it to every viewer through `ViewerExtensionsContext`.
 * Loaded with the reader, not in the first download (Yjs, the annotation engine, signatures):
 * each is a lazy component (the viewer mounts them under Suspense).
 */
import { lazy } from 'react';
import type { ViewerExtensions } from '../features/documents/page-overlays';

const loadAnnotationLayer = () => import('../features/annotations/AnnotationLayer');
const loadAnnotationToolbar = () => import('../features/annotations/AnnotationToolbar');
const loadExportButton = () => import('../features/annotations/ExportButton');
const loadSignatureViewerTool = () => import('../features/signing/SignatureViewerTool');

const AnnotationLayer = lazy(() => loadAnnotationLayer().then((m) => ({ default: m.AnnotationLayer })));
const AnnotationToolbar = lazy(() => loadAnnotationToolbar().then((m) => ({ default: m.AnnotationToolbar })));
const ExportButton = lazy(() => loadExportButton().then((m) => ({ default: m.ExportButton })));
const SignatureViewerTool = lazy(() => loadSignatureViewerTool().then((m) => ({ default: m.SignatureViewerTool })));

export const VIEWER_EXTENSIONS: ViewerExtensions = {
  pageOverlays: [AnnotationLayer],
  tools: [AnnotationToolbar, ExportButton, SignatureViewerTool],
  // Documents opened with the server away need this code too: the pack download fetches it.
  preload: () => Promise.all([loadAnnotationLayer(), loadAnnotationToolbar(), loadExportButton(), loadSignatureViewerTool()]),
};
