/**
 * Pen draws, fingers scroll. Until a pen has touched a page on this device, every pointer draws
 * with the chosen tool (a phone without a stylus draws with a finger). Once a pen has been seen,
 * a finger no longer draws: the page's `touch-action` lets the browser scroll and zoom it natively,
 * and the pen (or a mouse) draws. A pen hovering the page (active styluses report hover before
 * contact) switches `touch-action` off for that moment, so the pen's stroke does not scroll.
 */
import { useSyncExternalStore } from 'react';

let penSeen = false;
const listeners = new Set<() => void>();

export function notePointer(pointerType: string): void {
  if (pointerType !== 'pen' || penSeen) return;
  penSeen = true;
  for (const l of listeners) l();
}

export const isPenSeen = (): boolean => penSeen;

export function usePenSeen(): boolean {
  return useSyncExternalStore((l) => (listeners.add(l), () => listeners.delete(l)), isPenSeen);
}

/** Whether this pointer draws (rather than scrolls) with a tool chosen. */
export function drawsWith(pointerType: string, pen: boolean): boolean {
  return pointerType !== 'touch' || !pen;
}

/** The drawing surface's `touch-action`: none while drawing with fingers; pan and pinch once a pen is known. */
export function touchActionFor(active: boolean, pen: boolean, penHovering: boolean): string {
  if (!active) return 'auto';
  if (!pen || penHovering) return 'none';
  return 'pan-x pan-y pinch-zoom';
}

/** For tests: forget the pen. */
export function resetPenSeen(): void {
  penSeen = false;
}
