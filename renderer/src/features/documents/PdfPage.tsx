/**
 * One page of the viewer. Only drawn while near the visible part of the scroller (an
 * IntersectionObserver): canvas (at the device's pixel ratio, capped), pdf.js TextLayer for
 * selection and search highlights, pdf.js's annotation layer for the page's links (internal ones go
 * through the viewer's link service), the watermark drawn into the canvas, then every PAGE_OVERLAYS
 * entry positioned over the page's box. Far from view, the canvas and text are released.
 */
import { TextLayer, type PDFDocumentProxy, type PDFPageProxy, type RenderTask } from 'pdfjs-dist';
import type { RenderQueue } from './render-queue';
import type { TextContent, TextItem } from 'pdfjs-dist/types/src/display/api';
import { memo, Suspense, useEffect, useRef, useState } from 'react';
import { AnnotationLayerBuilder, type PDFLinkService } from './navigation';
import { useViewerExtensions } from './page-overlays';
import type { TextMatch } from './search';

export interface PageSize {
  width: number;
  height: number;
}

export interface PdfPageProps {
  pdf: PDFDocumentProxy;
  /** The viewer's drawing queue: one page at a time, the nearest to the page being read first. */
  queue: RenderQueue;
  pageNumber: number;
  scale: number;
  /** Size at scale 1 (PDF points), as known so far. */
  size: PageSize;
  onSize: (pageNumber: number, size: PageSize) => void;
  root: HTMLElement | null;
  watermark: string[] | null;
  matches: TextMatch[];
  /** Index in `matches` of the current search result on this page, or -1. */
  currentMatch: number;
  getText: (pageNumber: number) => Promise<TextContent>;
  /** Follows the page's links (pdf.js's link service), or null for no links. */
  linkService: PDFLinkService | null;
  meetingId: string;
  documentId: string;
  versionId: string;
}

const MAX_PIXEL_RATIO = 2;

/** Diagonal repeated lines over the whole page, drawn into the canvas (so it is in every screenshot). */
export function drawWatermark(ctx: CanvasRenderingContext2D, width: number, height: number, lines: string[]): void {
  const size = Math.max(12, Math.round(Math.min(width, height) / 28));
  ctx.save();
  ctx.font = `600 ${size}px "Be Vietnam Pro", sans-serif`;
  ctx.fillStyle = 'rgba(200, 30, 30, 0.16)';
  ctx.textAlign = 'center';
  ctx.translate(width / 2, height / 2);
  ctx.rotate(-Math.PI / 6);
  const diag = Math.hypot(width, height);
  const step = size * (lines.length + 2.5);
  for (let y = -diag / 2; y < diag / 2; y += step) {
    lines.forEach((line, i) => ctx.fillText(line, 0, y + i * size * 1.25));
  }
  ctx.restore();
}

function highlight(layer: TextLayer, matches: TextMatch[], current: number): HTMLElement | null {
  const divs = layer.textDivs;
  const strs = layer.textContentItemsStr;
  const pieces = new Map<number, { from: number; to: number; selected: boolean }[]>();
  matches.forEach((m, index) => {
    for (let i = m.startItem; i <= m.endItem; i++) {
      const from = i === m.startItem ? m.startOffset : 0;
      const to = i === m.endItem ? m.endOffset : (strs[i]?.length ?? 0);
      if (to > from) pieces.set(i, [...(pieces.get(i) ?? []), { from, to, selected: index === current }]);
    }
  });
  let selected: HTMLElement | null = null;
  for (const [i, ranges] of pieces) {
    const div = divs[i];
    const str = strs[i];
    if (!div || str === undefined) continue;
    div.textContent = '';
    let at = 0;
    for (const r of ranges.sort((a, b) => a.from - b.from)) {
      if (r.from > at) div.append(document.createTextNode(str.slice(at, r.from)));
      const mark = document.createElement('span');
      mark.className = r.selected ? 'highlight selected' : 'highlight';
      mark.textContent = str.slice(Math.max(at, r.from), r.to);
      div.append(mark);
      if (r.selected && !selected) selected = mark;
      at = Math.max(at, r.to);
    }
    if (at < str.length) div.append(document.createTextNode(str.slice(at)));
  }
  return selected;
}

export const PdfPage = memo(function PdfPage(props: PdfPageProps) {
  const { pdf, pageNumber, scale, size, onSize, root, watermark, matches, currentMatch, getText, queue, linkService } = props;
  const { pageOverlays } = useViewerExtensions();
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  const [rendered, setRendered] = useState(false);
  const layerRef = useRef<TextLayer | null>(null);

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => setNear(entries.some((e) => e.isIntersecting)), { root, rootMargin: '150% 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [root]);

  const watermarkKey = watermark?.join('\n') ?? '';
  useEffect(() => {
    const canvas = canvasRef.current;
    const textDiv = textRef.current;
    if (!near || !canvas || !textDiv) return;
    let cancelled = false;
    let task: RenderTask | null = null;
    let layer: TextLayer | null = null;
    let links: AnnotationLayerBuilder | null = null;
    let drawn: PDFPageProxy | null = null;
    void (async () => {
      const release = await queue.turn(pageNumber);
      try {
        if (cancelled) return;
        const page = await pdf.getPage(pageNumber);
        drawn = page;
        if (cancelled) return;
        const base = page.getViewport({ scale: 1 });
        if (Math.abs(base.width - size.width) > 0.5 || Math.abs(base.height - size.height) > 0.5) onSize(pageNumber, { width: base.width, height: base.height });
        const viewport = page.getViewport({ scale });
        const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
        canvas.width = Math.floor(viewport.width * ratio);
        canvas.height = Math.floor(viewport.height * ratio);
        const ctx = canvas.getContext('2d');
        if (!ctx) return;
        task = page.render({ canvas, canvasContext: ctx, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
        await task.promise;
        if (cancelled) return;
        if (watermarkKey) drawWatermark(ctx, canvas.width, canvas.height, watermarkKey.split('\n'));
        const text = await getText(pageNumber);
        if (cancelled) return;
        textDiv.replaceChildren();
        layer = new TextLayer({ textContentSource: text, container: textDiv, viewport });
        await layer.render();
        if (cancelled) return;
        layerRef.current = layer;
        setRendered(true);
        if (linkService) {
          // Above the text layer, below the overlays (a drawing tool takes the pointer before the links).
          links = new AnnotationLayerBuilder({ pdfPage: page, linkService, renderForms: false, onAppend: (div: HTMLDivElement) => textDiv.after(div) });
          await links.render({ viewport, intent: 'display' });
        }
      } catch (err) {
        if (!cancelled && (err as { name?: string }).name !== 'RenderingCancelledException') console.warn('page render failed', pageNumber, err);
      } finally {
        release();
      }
    })();
    return () => {
      cancelled = true;
      task?.cancel();
      layer?.cancel();
      links?.cancel();
      links?.div?.remove();
      layerRef.current = null;
      setRendered(false);
      // Release the bitmap of a page far from view.
      canvas.width = 0;
      canvas.height = 0;
      textDiv.replaceChildren();
      // And pdf.js's cached drawing instructions and fonts objects for it (done once any render
      // still cancelling has finished); drawing it again asks the worker anew.
      drawn?.cleanup();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [near, pdf, pageNumber, scale, watermarkKey, queue, linkService]);

  // Search highlights, over the rendered text layer.
  useEffect(() => {
    const layer = layerRef.current;
    if (!rendered || !layer) return;
    // Start from the plain text again (a previous search may have split the spans).
    layer.textDivs.forEach((div, i) => {
      const s = layer.textContentItemsStr[i];
      if (s !== undefined && div.childElementCount > 0) div.textContent = s;
    });
    if (!matches.length) return;
    const selected = highlight(layer, matches, currentMatch);
    selected?.scrollIntoView({ block: 'center', inline: 'nearest' });
  }, [rendered, matches, currentMatch]);

  const width = Math.round(size.width * scale);
  const height = Math.round(size.height * scale);
  return (
    <div
      ref={boxRef}
      className="ph-pdf-page"
      data-testid={`pdf-page-${pageNumber}`}
      data-page-number={pageNumber}
      data-rendered={rendered ? 'true' : 'false'}
      role="region"
      aria-label={`Trang ${pageNumber}`}
      style={{ width, height, ['--total-scale-factor' as string]: String(scale) }}
    >
      <canvas ref={canvasRef} style={{ width, height, display: 'block' }} aria-hidden />
      <div ref={textRef} className="textLayer" />
      {near &&
        pageOverlays.map((Overlay, i) => (
          // The box lets the pointer through (to the text and the links); an overlay takes it where it wants it.
          <div key={i} style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}>
            <Suspense fallback={null}>
              <Overlay meetingId={props.meetingId} documentId={props.documentId} versionId={props.versionId} pageNumber={pageNumber} width={width} height={height} scale={scale} />
            </Suspense>
          </div>
        ))}
    </div>
  );
});

/** The text items of a page as strings (search works on these, the text layer is built from the same). */
export const itemStrings = (text: TextContent): string[] => text.items.map((i) => ('str' in i ? (i as TextItem).str : ''));
