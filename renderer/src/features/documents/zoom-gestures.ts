/**
 * Zooming the viewer with Ctrl (or ⌘) + mouse wheel, a touchpad pinch (Chromium sends it as
 * Ctrl + wheel) and a two-finger pinch on a touch screen (pdf.js's TouchManager tells the
 * fingers' distance). During a touch pinch the pages are scaled with a CSS transform, and drawn
 * again at the new scale when the fingers lift; the annotation overlays are children of the pages,
 * so they stay on them throughout.
 */
import { TouchManager } from 'pdfjs-dist';
import { useEffect, useRef } from 'react';
import { clampZoom, wheelFactor } from './zoom-steps';

export { clampZoom } from './zoom-steps';

export interface ZoomGestureOptions {
  /** The scale now. */
  scale: number;
  /** Sets a new scale (already clamped). */
  setScale: (scale: number) => void;
  /** While a pinch goes on: the element to scale as a preview. */
  preview: HTMLElement | null;
}

export function useZoomGestures(scroller: HTMLElement | null, options: ZoomGestureOptions): void {
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    if (!scroller) return;
    const ac = new AbortController();
    let pending = 1;
    let frame = 0;
    const commit = () => {
      frame = 0;
      const next = clampZoom(latest.current.scale * pending);
      pending = 1;
      if (Math.abs(next - latest.current.scale) > 0.001) latest.current.setScale(next);
    };
    scroller.addEventListener(
      'wheel',
      (e) => {
        if (!e.ctrlKey && !e.metaKey) return;
        // Not the browser's page zoom: the document's.
        e.preventDefault();
        pending *= wheelFactor(e.deltaY, e.deltaMode);
        frame ||= requestAnimationFrame(commit);
      },
      { passive: false, signal: ac.signal },
    );

    let pinch = 1;
    /** Scales the pages about the middle of what is in view (pdf.js gives the fingers in screen coordinates). */
    const show = (factor: number | null) => {
      const el = latest.current.preview;
      if (!el) return;
      if (factor === null) {
        el.style.transform = '';
        el.style.transformOrigin = '';
        return;
      }
      el.style.transformOrigin = `${scroller.scrollLeft + scroller.clientWidth / 2}px ${scroller.scrollTop + scroller.clientHeight / 2}px`;
      el.style.transform = `scale(${factor})`;
    };
    // pdf.js's typings give its callbacks as `null` only.
    new TouchManager({
      container: scroller,
      signal: ac.signal,
      onPinchStart: () => {
        pinch = 1;
      },
      onPinching: (_origin: [number, number], previous: number, distance: number) => {
        if (previous <= 0) return;
        pinch = clampZoom(latest.current.scale * pinch * (distance / previous)) / latest.current.scale;
        show(pinch);
      },
      onPinchEnd: () => {
        show(null);
        const next = clampZoom(latest.current.scale * pinch);
        pinch = 1;
        if (Math.abs(next - latest.current.scale) > 0.001) latest.current.setScale(next);
      },
    } as unknown as ConstructorParameters<typeof TouchManager>[0]);
    return () => {
      ac.abort();
      if (frame) cancelAnimationFrame(frame);
      show(null);
    };
  }, [scroller]);
}
