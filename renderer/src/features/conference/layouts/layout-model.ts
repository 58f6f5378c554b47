/**
 * What the room shows where: pure functions (no React, no DOM) so they are unit-tested.
 * - `pageShape`: how many tiles fit one page of the grid on this screen (up to 5×5 on a PC, fewer on
 *   a phone), optionally capped by the user's "tiles per page" choice;
 * - `fitGrid`: the columns and rows that make the tiles of one page as large as possible;
 * - `arrangeRoom`: for a layout (grid, speaker, chair focus), which tiles take the big stage and
 *   which fill the paged grid or strip, with pinned tiles and screen shares first.
 */

export const LAYOUTS = ['grid', 'speaker', 'chair'] as const;
export type LayoutKind = (typeof LAYOUTS)[number];

export const isLayoutKind = (v: unknown): v is LayoutKind => typeof v === 'string' && (LAYOUTS as readonly string[]).includes(v);

/** One tile: a participant's camera (or placeholder), or a shared screen. */
export interface TileItem {
  /** `${peerId}:${source}`: stable across renders. */
  key: string;
  peerId: string;
  source: 'webcam' | 'screen';
  /** Our own camera (not reported to the engine: nothing is received for it). */
  self: boolean;
}

export const tileKey = (peerId: string, source: TileItem['source']) => `${peerId}:${source}`;

/** The tile aspect ratio (width / height). */
export const TILE_ASPECT = 16 / 9;
/** Smallest useful tile width (CSS px): below it names and faces are unreadable. */
export const MIN_TILE_WIDTH = 160;
export const TILE_GAP = 8;
/** Widths below this are a phone: fewer tiles per page, so each stays recognisable. */
export const PHONE_WIDTH = 600;
export const MAX_COLS = 5;
export const MAX_ROWS = 5;
const PHONE_MAX_ROWS = 3;
const PHONE_MAX_COLS = 2;

export interface PageShape {
  cols: number;
  rows: number;
  /** Tiles per page (cols × rows). */
  size: number;
}

/**
 * The most tiles one page can hold in a `width` × `height` area with tiles at least MIN_TILE_WIDTH
 * wide: up to 5×5 on a PC, up to 2×3 on a phone. `limit` (the user's choice) caps the count.
 */
export function pageShape(width: number, height: number, limit?: number | null): PageShape {
  width = finite(width);
  height = finite(height);
  const phone = width < PHONE_WIDTH;
  const maxCols = phone ? PHONE_MAX_COLS : MAX_COLS;
  const maxRows = phone ? PHONE_MAX_ROWS : MAX_ROWS;
  const minH = MIN_TILE_WIDTH / TILE_ASPECT;
  const cols = clamp(Math.floor((Math.max(0, width) + TILE_GAP) / (MIN_TILE_WIDTH + TILE_GAP)), 1, maxCols);
  const rows = clamp(Math.floor((Math.max(0, height) + TILE_GAP) / (minH + TILE_GAP)), 1, maxRows);
  let size = cols * rows;
  if (limit && limit > 0) size = Math.min(size, Math.floor(limit));
  return { cols, rows, size: Math.max(1, size) };
}

export interface GridFit {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/** The columns × rows for `count` 16:9 tiles in `width` × `height` that give the largest tiles. */
export function fitGrid(count: number, width: number, height: number, maxCols = MAX_COLS): GridFit {
  const n = Math.max(1, count);
  let best: GridFit = { cols: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  for (let cols = 1; cols <= Math.min(n, Math.max(1, maxCols)); cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - TILE_GAP * (cols - 1)) / cols;
    const cellH = (height - TILE_GAP * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(cellW, cellH * TILE_ASPECT));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth, tileHeight: tileWidth / TILE_ASPECT };
  }
  return best;
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, size)));
}

/** `page` brought into range (a page can disappear when people leave). */
export function clampPage(page: number, total: number, size: number): number {
  return clamp(Math.floor(page), 0, pageCount(total, size) - 1);
}

export function pageSlice<T>(items: readonly T[], page: number, size: number): T[] {
  const p = clampPage(page, items.length, size);
  return items.slice(p * size, p * size + size);
}

export interface RoomParticipant {
  peerId: string;
  /** A screen share is being received from this peer. */
  sharingScreen?: boolean;
}

export interface ArrangeInput {
  layout: LayoutKind;
  selfId: string | null;
  /** Remote participants in join order. */
  peers: readonly RoomParticipant[];
  /** Keys of the pinned tiles, in pin order. */
  pinned: readonly string[];
  /** The participant shown as the current speaker (the server's active speaker, kept while silent). */
  speakerId: string | null;
  /** The participant (maybe ourselves) whose account is the meeting's chair, if present. */
  chairId?: string | null;
  /** Whether our own screen share is on (we see it as a tile too, so we know what others see). */
  selfSharing?: boolean;
}

export interface Arrangement {
  /** Large tiles (screen shares, pinned, the speaker, the chair); empty in a plain grid. */
  stage: TileItem[];
  /** Everyone else: the paged grid, or the strip under the stage. */
  rest: TileItem[];
}

/** At most this many tiles share the big stage. */
export const MAX_STAGE = 4;

/**
 * Which tiles go on the stage and in what order the others follow:
 * - screen shares take the stage in every layout;
 * - grid: pinned tiles lead the first page, then ourselves, then everyone in join order;
 * - speaker: pinned tiles, else the current speaker, on the stage; others in the strip;
 * - chair focus: the chair and the current speaker (and pinned tiles) on the stage.
 */
export function arrangeRoom(input: ArrangeInput): Arrangement {
  const { selfId, layout } = input;
  const cams: TileItem[] = [];
  if (selfId) cams.push({ key: tileKey(selfId, 'webcam'), peerId: selfId, source: 'webcam', self: true });
  for (const p of input.peers) cams.push({ key: tileKey(p.peerId, 'webcam'), peerId: p.peerId, source: 'webcam', self: false });
  const screens: TileItem[] = [];
  for (const p of input.peers) if (p.sharingScreen) screens.push({ key: tileKey(p.peerId, 'screen'), peerId: p.peerId, source: 'screen', self: false });
  if (selfId && input.selfSharing) screens.push({ key: tileKey(selfId, 'screen'), peerId: selfId, source: 'screen', self: true });

  const byKey = new Map([...cams, ...screens].map((t) => [t.key, t]));
  const pinned = unique(input.pinned)
    .map((k) => byKey.get(k))
    .filter((t): t is TileItem => t !== undefined);

  const stage: TileItem[] = [];
  const add = (t: TileItem | undefined) => {
    if (t && stage.length < MAX_STAGE && !stage.includes(t)) stage.push(t);
  };
  // Remote shares first (what the room is looking at), ours last.
  for (const s of screens) add(s);

  if (layout === 'grid') {
    const first = [...pinned.filter((t) => !stage.includes(t))];
    const rest = [...first, ...cams.filter((t) => !stage.includes(t) && !first.includes(t))];
    return { stage, rest };
  }

  for (const t of pinned) add(t);
  const cam = (peerId: string | null | undefined) => (peerId ? byKey.get(tileKey(peerId, 'webcam')) : undefined);
  if (layout === 'chair') {
    add(cam(input.chairId));
    add(cam(input.speakerId));
  } else if (!stage.some((t) => t.source === 'webcam')) {
    // Speaker view: the current speaker, else the first other participant, else ourselves.
    add(cam(input.speakerId) ?? cams.find((t) => !t.self) ?? cams[0]);
  }
  if (stage.length === 0) add(cams.find((t) => !t.self) ?? cams[0]);
  return { stage, rest: cams.filter((t) => !stage.includes(t)) };
}

/** Where the pinned tiles go when one is pinned or unpinned (pin order kept). */
export function togglePin(pinned: readonly string[], key: string): string[] {
  return pinned.includes(key) ? pinned.filter((k) => k !== key) : [...pinned, key];
}

/**
 * The participant shown as "the speaker": the server's active speaker when it is someone else, or
 * the last one who was, while they are still here (a pause in speech does not flip the stage).
 */
export function nextStageSpeaker(previous: string | null, active: string | null, selfId: string | null, present: ReadonlySet<string>): string | null {
  if (active && active !== selfId && present.has(active)) return active;
  if (previous && present.has(previous)) return previous;
  return null;
}

function finite(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
