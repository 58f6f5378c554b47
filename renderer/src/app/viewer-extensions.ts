/**
 * The composition root of the PDF viewer's extensions (the shapes are in
 * `features/documents/page-overlays.ts`): what features draw over each page and add to the
 * viewer's annotation bar. App provides it to every viewer through `ViewerExtensionsContext`.
 * Loaded with the reader, not in the first download (Yjs, the annotation engine, signatures):
 * each is a lazy component (the viewer mounts them under Suspense).
 */
import { lazy } from 'react';
import type { ViewerExtensions } from '../features/documents/page-overlays';

const AnnotationLayer = lazy(() => import('../features/annotations/AnnotationLayer').then((m) => ({ default: m.AnnotationLayer })));
const AnnotationToolbar = lazy(() => import('../features/annotations/AnnotationToolbar').then((m) => ({ default: m.AnnotationToolbar })));
const ExportButton = lazy(() => import('../features/annotations/ExportButton').then((m) => ({ default: m.ExportButton })));
const SignatureViewerTool = lazy(() => import('../features/signing/SignatureViewerTool').then((m) => ({ default: m.SignatureViewerTool })));

export const VIEWER_EXTENSIONS: ViewerExtensions = {
  pageOverlays: [AnnotationLayer],
  tools: [AnnotationToolbar, ExportButton, SignatureViewerTool],
};
