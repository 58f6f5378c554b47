/**
 * The annotation engine of one document version: the shared layer and my private layer, the
 * current tool, colour and layer, drawing, notes, the eraser and undo/redo. Components read its
 * state (`useSyncExternalStore`) and call its methods; they never touch Yjs.
 *
 * Strokes are streamed: the mark is added at the first point and its points are appended once per
 * animation frame while drawing, so the others see it grow.
 */
import type * as Y from 'yjs';
import { addMark, COLORS, extendMark, HIGHLIGHTER_COLORS, marksAt, mayErase, pageMarks, readPage, removeMarks, WIDTHS, type Mark } from './mark-model';
import { LayerConnection, type LayerStatus } from './layer-connection';

export type Layer = 'shared' | 'private';
export type Tool = 'none' | 'pen' | 'highlighter' | 'note' | 'eraser';

export interface Me {
  accountId: string;
  displayName: string;
}

export interface AnnotationState {
  tool: Tool;
  color: string;
  /** The layer I draw into (both are shown). */
  layer: Layer;
  status: Record<Layer, LayerStatus>;
  canUndo: boolean;
  canRedo: boolean;
  /** Chair or secretary of the meeting: may erase anyone's marks in the shared layer. */
  moderator: boolean;
  /** The meeting has ended: the shared layer is kept as it was (the server refuses changes). */
  sharedReadOnly: boolean;
}

export interface PageMarks {
  shared: Mark[];
  private: Mark[];
}

export interface Stroke {
  add(x: number, y: number): void;
  end(): void;
}

const EMPTY: PageMarks = { shared: [], private: [] };

let markCounter = 0;
function newMarkId(accountId: string): string {
  const random = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  return `${accountId.slice(0, 8)}-${random}-${++markCounter}`;
}

export class AnnotationEngine {
  readonly layers: Record<Layer, LayerConnection>;
  #state: AnnotationState;
  readonly #listeners = new Set<() => void>();
  readonly #pages = new Map<number, { marks: PageMarks; listeners: Set<() => void>; unobserve: () => void }>();
  #lastColor: Record<'pen' | 'highlighter', string> = { pen: COLORS[0], highlighter: HIGHLIGHTER_COLORS[0] };

  constructor(
    readonly documentId: string,
    readonly versionId: string,
    readonly me: Me,
    server: string,
  ) {
    const storage = (name: string) => `phonghop/${me.accountId}/${name}`;
    const shared = `doc/${documentId}/shared`;
    const mine = `doc/${documentId}/private/${me.accountId}`;
    const changed = () => this.#refreshState();
    this.layers = {
      shared: new LayerConnection(shared, server, storage(shared), changed),
      private: new LayerConnection(mine, server, storage(mine), changed),
    };
    this.#state = {
      tool: 'none',
      color: COLORS[0],
      layer: 'shared',
      status: { shared: 'connecting', private: 'connecting' },
      canUndo: false,
      canRedo: false,
      moderator: false,
      sharedReadOnly: false,
    };
  }

  // ---- state -------------------------------------------------------------------------------
  getState = (): AnnotationState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #update(patch: Partial<AnnotationState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }

  #refreshState(): void {
    const active = this.layers[this.#state.layer];
    this.#update({
      status: { shared: this.layers.shared.status, private: this.layers.private.status },
      canUndo: active.undo.canUndo(),
      canRedo: active.undo.canRedo(),
    });
  }

  setTool(tool: Tool): void {
    if (tool === 'pen' || tool === 'highlighter') this.#update({ tool, color: this.#lastColor[tool] });
    else this.#update({ tool });
  }

  setColor(color: string): void {
    if (this.#state.tool === 'pen' || this.#state.tool === 'highlighter') this.#lastColor[this.#state.tool] = color;
    this.#update({ color });
  }

  setLayer(layer: Layer): void {
    this.#update({ layer });
    this.#refreshState();
  }

  setMeeting(facts: { moderator: boolean; ended: boolean }): void {
    this.#update({ moderator: facts.moderator, sharedReadOnly: facts.ended });
  }

  /** Whether drawing into the chosen layer is possible now. */
  get canDraw(): boolean {
    return !(this.#state.layer === 'shared' && this.#state.sharedReadOnly) && !this.layers[this.#state.layer].stopped;
  }

  // ---- pages -------------------------------------------------------------------------------
  pageMarks(page: number): PageMarks {
    return this.#pages.get(page)?.marks ?? EMPTY;
  }

  subscribePage(page: number, listener: () => void): () => void {
    let entry = this.#pages.get(page);
    if (!entry) {
      const arrays = (['shared', 'private'] as const).map((l) => pageMarks(this.layers[l].doc, this.versionId, page));
      const recompute = () => {
        const e = this.#pages.get(page);
        if (!e) return;
        e.marks = { shared: readPage(this.layers.shared.doc, this.versionId, page), private: readPage(this.layers.private.doc, this.versionId, page) };
        for (const l of e.listeners) l();
      };
      for (const [i, arr] of arrays.entries()) {
        arr.observeDeep(recompute);
        this.layers[i === 0 ? 'shared' : 'private'].track(arr as unknown as Y.AbstractType<unknown>);
      }
      entry = {
        marks: { shared: readPage(this.layers.shared.doc, this.versionId, page), private: readPage(this.layers.private.doc, this.versionId, page) },
        listeners: new Set(),
        unobserve: () => arrays.forEach((arr) => arr.unobserveDeep(recompute)),
      };
      this.#pages.set(page, entry);
    }
    entry.listeners.add(listener);
    const e = entry;
    return () => {
      e.listeners.delete(listener);
      if (e.listeners.size === 0) {
        e.unobserve();
        this.#pages.delete(page);
      }
    };
  }

  // ---- drawing -----------------------------------------------------------------------------
  #active(): LayerConnection {
    return this.layers[this.#state.layer];
  }

  beginStroke(page: number, x: number, y: number): Stroke | null {
    const tool = this.#state.tool;
    if ((tool !== 'pen' && tool !== 'highlighter') || !this.canDraw) return null;
    const layer = this.#active();
    layer.undo.stopCapturing();
    const points = addMark(
      layer.doc,
      this.versionId,
      page,
      { id: newMarkId(this.me.accountId), author: this.me.accountId, authorName: this.me.displayName, tool, color: this.#state.color, width: WIDTHS[tool], points: [x, y] },
      layer.origin,
    );
    let pending: number[] = [];
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      const batch = pending;
      pending = [];
      extendMark(points, batch, layer.origin);
    };
    return {
      add(px: number, py: number) {
        pending.push(px, py);
        frame ??= requestAnimationFrame(flush);
      },
      end() {
        if (frame !== null) cancelAnimationFrame(frame);
        flush();
        layer.undo.stopCapturing();
      },
    };
  }

  addNote(page: number, x: number, y: number, text: string): boolean {
    const trimmed = text.trim();
    if (!trimmed || !this.canDraw) return false;
    const layer = this.#active();
    layer.undo.stopCapturing();
    addMark(
      layer.doc,
      this.versionId,
      page,
      { id: newMarkId(this.me.accountId), author: this.me.accountId, authorName: this.me.displayName, tool: 'note', color: '#fde68a', width: 0, points: [x, y], text: trimmed },
      layer.origin,
    );
    layer.undo.stopCapturing();
    return true;
  }

  /** Marks of the active layer I may erase under a point; `aspect` = page height / width. */
  erasableAt(page: number, x: number, y: number, aspect: number, tolerance = 0.008): Mark[] {
    const layer = this.#state.layer;
    const marks = this.pageMarks(page)[layer];
    return marksAt(marks, x, y, aspect, tolerance).filter((m) => mayErase(m, this.me.accountId, layer, this.#state.moderator));
  }

  /** Erases whole marks under the pointer (mine only in the shared layer, unless I moderate). */
  eraseAt(page: number, x: number, y: number, aspect: number): number {
    if (!this.canDraw) return 0;
    const hits = this.erasableAt(page, x, y, aspect);
    if (hits.length === 0) return 0;
    const layer = this.#active();
    return removeMarks(layer.doc, this.versionId, page, new Set(hits.map((m) => m.id)), layer.origin);
  }

  undo(): void {
    this.#active().undo.undo();
    this.#refreshState();
  }

  redo(): void {
    this.#active().undo.redo();
    this.#refreshState();
  }

  /** Both layers' marks of every page that has any, for exports. */
  allMarks(pageCount: number): Map<number, PageMarks> {
    const out = new Map<number, PageMarks>();
    for (let p = 1; p <= pageCount; p++) {
      const marks = { shared: readPage(this.layers.shared.doc, this.versionId, p), private: readPage(this.layers.private.doc, this.versionId, p) };
      if (marks.shared.length + marks.private.length > 0) out.set(p, marks);
    }
    return out;
  }

  destroy(): void {
    for (const e of this.#pages.values()) e.unobserve();
    this.#pages.clear();
    this.layers.shared.destroy();
    this.layers.private.destroy();
    this.#listeners.clear();
  }
}
