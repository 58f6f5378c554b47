/**
 * Which remote tiles are on screen now, and how big: every mounted tile registers its measured size
 * (ResizeObserver) here, and the set is handed to the engine (`engine.setTileViews`) a moment after
 * it changes, so the server sends each video at the layer its tile needs and pauses the ones no
 * page shows. Tiles of other pages are not mounted, so they are not listed.
 */
import { createContext, useContext, useEffect, useState } from 'react';

export interface TileView {
  peerId: string;
  source: 'webcam' | 'screen';
  width: number;
  height: number;
  pinned?: boolean;
}

export class TileViewRegistry {
  readonly #views = new Map<string, TileView>();
  readonly #sink: (views: TileView[]) => void;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #last = '';

  constructor(sink: (views: TileView[]) => void, delayMs = 150) {
    this.#sink = sink;
    this.#delayMs = delayMs;
  }

  set(key: string, view: TileView | null): void {
    if (view) this.#views.set(key, view);
    else this.#views.delete(key);
    this.#schedule();
  }

  get views(): TileView[] {
    return [...this.#views.values()];
  }

  /** Sends the current set now if it differs from the last one sent. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const views = this.views;
    const signature = JSON.stringify(views);
    if (signature === this.#last) return;
    this.#last = signature;
    this.#sink(views);
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), this.#delayMs);
  }
}

export const TileViewsContext = createContext<TileViewRegistry | null>(null);

/**
 * Reports one remote tile while it is mounted: returns the ref callback for its element. Our own
 * tile is not reported (nothing is received for it).
 */
export function useTileView(key: string, peerId: string, source: TileView['source'], pinned: boolean, self: boolean): (el: HTMLElement | null) => void {
  const registry = useContext(TileViewsContext);
  const [el, setEl] = useState<HTMLElement | null>(null);
  useEffect(() => {
    if (!registry || !el || self) return;
    const report = () => {
      const r = el.getBoundingClientRect();
      registry.set(key, { peerId, source, width: Math.round(r.width), height: Math.round(r.height), ...(pinned ? { pinned: true } : {}) });
    };
    report();
    const observer = new ResizeObserver(report);
    observer.observe(el);
    return () => {
      observer.disconnect();
      registry.set(key, null);
    };
  }, [registry, el, key, peerId, source, pinned, self]);
  return setEl;
}
