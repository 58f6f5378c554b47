/** The viewer's zoom limits and the step of a wheel event (zoom-gestures.ts), apart from the DOM for tests. */
export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 5;

export const clampZoom = (scale: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale));

/** The factor one wheel event zooms by: up zooms in; lines (deltaMode 1) count as 16 px; one notch (100 px) is about ×1.22. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-300, Math.min(300, px)) * 0.002);
}
