// @vitest-environment happy-dom
/**
 * A live track's `timeupdate` never reaches React's root (quiet-live-media.ts): React listens to
 * every media event at its root in the capture phase, so each of the ~200 events a second of a
 * 50-tile room went through React's dispatch. Elements without the mark keep every event.
 */
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { quietLiveMedia } from '../../../renderer/src/features/conference/quiet-live-media';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A React tree with a marked and an unmarked video; counts what React's capture handler sees. */
function mount() {
  const seen: string[] = [];
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  act(() =>
    root.render(
      createElement(
        'div',
        { onTimeUpdateCapture: (e: { target: EventTarget }) => seen.push((e.target as HTMLElement).id) },
        createElement('video', { id: 'live', 'data-live-track': '' }),
        createElement('video', { id: 'recording' }),
      ),
    ),
  );
  const fire = (id: string) => document.getElementById(id)!.dispatchEvent(new Event('timeupdate'));
  return { seen, fire, unmount: () => act(() => root.unmount()) };
}

describe('quietLiveMedia', () => {
  it('React sees a live element\'s timeupdate without it (the cost it removes)', () => {
    const { seen, fire, unmount } = mount();
    fire('live');
    expect(seen).toEqual(['live']);
    unmount();
  });

  it('stops timeupdate of marked elements before React\'s root; unmarked elements and their own listeners are untouched', () => {
    quietLiveMedia(window);
    quietLiveMedia(window); // idempotent: one listener
    const { seen, fire, unmount } = mount();
    const own: string[] = [];
    document.getElementById('recording')!.addEventListener('timeupdate', () => own.push('recording'));
    fire('live');
    fire('live');
    fire('recording');
    expect(seen).toEqual(['recording']);
    expect(own).toEqual(['recording']);
    // Other media events of a live element are not stopped.
    const other: string[] = [];
    document.getElementById('live')!.addEventListener('resize', () => other.push('resize'));
    document.getElementById('live')!.dispatchEvent(new Event('resize'));
    expect(other).toEqual(['resize']);
    unmount();
  });
});
