/**
 * The shapes of what other features draw on a rendered PDF page (annotations, signature stamps...)
 * and add to the viewer's toolbar, without editing the viewer. The lists are composed in
 * `app/viewer-extensions.ts` (the composition root) and reach every viewer through
 * `ViewerExtensionsContext`, so the viewer never imports the features that import these types.
 */
import { createContext, useContext, type ComponentType } from 'react';

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

export interface ViewerExtensions {
  /** Drawn over each rendered page, in this order (later ones on top). */
  pageOverlays: readonly ComponentType<PageOverlayProps>[];
  /** Extra controls in the viewer's annotation bar. */
  tools: readonly ComponentType<ViewerToolProps>[];
  /** Fetches the extensions' code ahead of use (the offline pack download: the service worker keeps it). */
  preload?: () => Promise<unknown>;
}

/** Empty unless the app provides its list (App.tsx). */
export const ViewerExtensionsContext = createContext<ViewerExtensions>({ pageOverlays: [], tools: [] });

export const useViewerExtensions = (): ViewerExtensions => useContext(ViewerExtensionsContext);
