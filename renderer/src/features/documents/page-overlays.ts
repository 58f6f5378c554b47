/**
 * What other features draw on a rendered PDF page (annotations, signature stamps...) and add to
 * the viewer's toolbar, without editing the viewer: one entry each.
 */
import type { ComponentType } from 'react';
import { SignatureViewerTool } from '../signing/SignatureViewerTool';
import { AnnotationLayer } from '../annotations/AnnotationLayer';
import { AnnotationToolbar } from '../annotations/AnnotationToolbar';
import { ExportButton } from '../annotations/ExportButton';

export interface PageOverlayProps {
  meetingId: string;
  documentId: string;
  /** The version shown: annotations belong to one version of a document. */
  versionId: string;
  /** 1-based. */
  pageNumber: number;
  /** Size of the rendered page in CSS pixels, and the scale from PDF points to CSS pixels. */
  width: number;
  height: number;
  scale: number;
}

export interface ViewerToolProps {
  meetingId: string;
  documentId: string;
  versionId: string;
  /** The document's bytes as shown (for exports); null until loaded. */
  pdfBytes: Uint8Array | null;
  confidential: boolean;
  fileName: string;
  pageCount: number;
}

/** Drawn over each rendered page, in this order (later ones on top). */
export const PAGE_OVERLAYS: ComponentType<PageOverlayProps>[] = [AnnotationLayer];

/** Extra controls in the viewer's toolbar. */
export const VIEWER_TOOLS: ComponentType<ViewerToolProps>[] = [AnnotationToolbar, ExportButton, SignatureViewerTool];
