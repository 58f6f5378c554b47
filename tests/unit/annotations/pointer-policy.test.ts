/** Pen draws, fingers scroll: which pointer draws, and the drawing surface's touch-action. */
import { afterEach, describe, expect, it } from 'vitest';
import { drawsWith, isPenSeen, notePointer, resetPenSeen, touchActionFor } from '../../../renderer/src/features/annotations/pointer-policy';

afterEach(() => resetPenSeen());

describe('pointer policy', () => {
  it('without a pen every pointer draws and the page does not scroll under a finger', () => {
    for (const type of ['touch', 'pen', 'mouse']) expect(drawsWith(type, false)).toBe(true);
    expect(touchActionFor(true, false, false)).toBe('none');
  });

  it('once a pen is seen, fingers scroll (native pan and pinch) and do not draw; the pen and the mouse draw', () => {
    expect(drawsWith('touch', true)).toBe(false);
    expect(drawsWith('pen', true)).toBe(true);
    expect(drawsWith('mouse', true)).toBe(true);
    expect(touchActionFor(true, true, false)).toBe('pan-x pan-y pinch-zoom');
    // The pen hovering: its stroke must not scroll.
    expect(touchActionFor(true, true, true)).toBe('none');
  });

  it('with no tool chosen the page scrolls as usual', () => {
    expect(touchActionFor(false, false, false)).toBe('auto');
    expect(touchActionFor(false, true, true)).toBe('auto');
  });

  it('remembers a pen from its first touch; a finger or a mouse does not count', () => {
    notePointer('touch');
    notePointer('mouse');
    expect(isPenSeen()).toBe(false);
    notePointer('pen');
    expect(isPenSeen()).toBe(true);
  });
});
