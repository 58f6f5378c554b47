/**
 * The speaker-follow composition of the live broadcast (and of the archive's view): pure rules, so
 * they are unit-tested apart from mediasoup and ffmpeg. The composer asks `composeLayout` twice a
 * second and rebuilds ffmpeg's filter graph when `layoutKey` changes (after `SETTLE_MS` of
 * stability, so a cough does not flip the picture).
 *
 * - Large: a shared screen when one is shared; otherwise the camera of the point holding the floor,
 *   else the active speaker's, else the one that was large before (silence keeps the picture),
 *   else the chair's, else the first camera.
 * - Beside it (a column on the right): the chair's camera when the chair is not the large picture;
 *   while a screen is large, the speaker's camera (floor holder or active speaker) too.
 * - Each picture carries the point's name (or the person's, for someone not at a point).
 * - Sound: every microphone that is not paused (muted microphones are paused producers), the
 *   floor holder and the chair first, at most `MAX_AUDIO` (ffmpeg's amix inputs).
 */
import type { MediaSource } from '../../../common/protocol';

export interface LayoutStream {
  producerId: string;
  peerId: string;
  accountId: string;
  displayName: string;
  pointName: string;
  source: MediaSource;
  paused: boolean;
}

export interface LayoutInput {
  streams: readonly LayoutStream[];
  chairAccountId: string | null;
  floorHolderAccountId: string | null;
  activeSpeakerPeerId: string | null;
  /** The peer whose camera was large in the layout in force (kept through silence). */
  previousMainPeerId: string | null;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface VideoTile {
  producerId: string;
  peerId: string;
  source: MediaSource;
  label: string;
  rect: Rect;
}

export interface Composition {
  width: number;
  height: number;
  /** The large picture first, then the column beside it. */
  video: VideoTile[];
  /** Microphones mixed into the sound. */
  audio: string[];
  /** The peer whose camera (or screen) is large: the next round's `previousMainPeerId`. */
  mainPeerId: string | null;
}

export const CANVAS = { width: 1280, height: 720 } as const;
export const MAX_AUDIO = 8;
export const MAX_SIDE = 2;
export const SETTLE_MS = 1_000;
/** The large picture, and the column on its right (two tiles of 16:9 stacked). */
export const MAIN_WITH_SIDE: Rect = { x: 0, y: 90, w: 960, h: 540 };
export const SIDE_RECTS: readonly Rect[] = [
  { x: 960, y: 180, w: 320, h: 180 },
  { x: 960, y: 360, w: 320, h: 180 },
];
export const FULL: Rect = { x: 0, y: 0, w: CANVAS.width, h: CANVAS.height };

export function labelOf(s: Pick<LayoutStream, 'displayName' | 'pointName'>): string {
  return s.pointName && s.pointName !== s.displayName ? `${s.pointName} — ${s.displayName}` : s.displayName;
}

export function composeLayout(input: LayoutInput): Composition {
  const live = input.streams.filter((s) => !s.paused);
  const cameras = live.filter((s) => s.source === 'webcam');
  const cameraOfPeer = (peerId: string | null) => (peerId ? cameras.find((c) => c.peerId === peerId) : undefined);
  const cameraOfAccount = (accountId: string | null) => (accountId ? cameras.find((c) => c.accountId === accountId) : undefined);
  const screen = live.find((s) => s.source === 'screen');
  const chairCam = cameraOfAccount(input.chairAccountId);
  const speakerCam = cameraOfAccount(input.floorHolderAccountId) ?? cameraOfPeer(input.activeSpeakerPeerId);

  let main: LayoutStream | undefined;
  const side: LayoutStream[] = [];
  if (screen) {
    main = screen;
    // The one speaking beside the screen, then the chair.
    const speaking = speakerCam ?? cameraOfPeer(input.previousMainPeerId);
    if (speaking) side.push(speaking);
    if (chairCam && !side.includes(chairCam)) side.push(chairCam);
  } else {
    main = speakerCam ?? cameraOfPeer(input.previousMainPeerId) ?? chairCam ?? cameras[0];
    if (chairCam && main && chairCam.peerId !== main.peerId) side.push(chairCam);
  }

  const video: VideoTile[] = [];
  const beside = side.slice(0, MAX_SIDE);
  if (main) video.push({ producerId: main.producerId, peerId: main.peerId, source: main.source, label: labelOf(main), rect: beside.length ? MAIN_WITH_SIDE : FULL });
  beside.forEach((s, i) => video.push({ producerId: s.producerId, peerId: s.peerId, source: s.source, label: labelOf(s), rect: SIDE_RECTS[i]! }));

  const mics = live.filter((s) => s.source === 'mic');
  const rank = (s: LayoutStream) => (s.accountId === input.floorHolderAccountId ? 0 : s.accountId === input.chairAccountId ? 1 : s.peerId === input.activeSpeakerPeerId ? 2 : 3);
  const audio = [...mics].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_AUDIO).map((s) => s.producerId);

  return { width: CANVAS.width, height: CANVAS.height, video, audio, mainPeerId: main && main.source === 'webcam' ? main.peerId : (input.previousMainPeerId ?? null) };
}

/** Two compositions with the same key need the same ffmpeg graph (same inputs, places, labels). */
export function layoutKey(c: Composition): string {
  const v = c.video.map((t) => `${t.producerId}@${t.rect.x},${t.rect.y},${t.rect.w}x${t.rect.h}:${t.label}`).join('|');
  return `${v}#${[...c.audio].sort().join(',')}`;
}

/**
 * Debounces layout changes: a new key is adopted once it has been wanted for `settleMs`; the
 * first composition (nothing in force yet) is adopted at once.
 */
export class LayoutSettler {
  #current: string | null = null;
  #pending: { key: string; since: number } | null = null;

  constructor(readonly settleMs = SETTLE_MS) {}

  get current(): string | null {
    return this.#current;
  }

  /** Returns true when `key` should now be put in force. */
  offer(key: string, now: number): boolean {
    if (key === this.#current) {
      this.#pending = null;
      return false;
    }
    if (this.#current === null) {
      this.#current = key;
      return true;
    }
    if (!this.#pending || this.#pending.key !== key) {
      this.#pending = { key, since: now };
      return false;
    }
    if (now - this.#pending.since >= this.settleMs) {
      this.#current = key;
      this.#pending = null;
      return true;
    }
    return false;
  }

  /** Puts `key` in force now, without waiting for it to hold (a microphone just unmuted that ffmpeg does not read). */
  adopt(key: string): boolean {
    this.#pending = null;
    if (key === this.#current) return false;
    this.#current = key;
    return true;
  }

  reset(): void {
    this.#current = null;
    this.#pending = null;
  }
}
