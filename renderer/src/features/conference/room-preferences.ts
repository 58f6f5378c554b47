/**
 * What the user chose in the room, remembered on this device (localStorage): the layout, tiles per
 * page, and the camera, microphone and speaker. Read with `useRoomPreferences` (re-renders on change).
 */
import { useSyncExternalStore } from 'react';
import { isLayoutKind, type LayoutKind } from './layouts/layout-model';

export interface RoomPreferences {
  layout: LayoutKind;
  /** Cap on tiles per grid page; null = as many as fit the screen. */
  tilesPerPage: number | null;
  cameraId: string | null;
  microphoneId: string | null;
  /** Audio output device (HTMLMediaElement.setSinkId); null = the system default. */
  speakerId: string | null;
}

export const TILES_PER_PAGE_CHOICES = [4, 9, 16, 25] as const;
const KEY = 'phonghop.room';
const DEFAULTS: RoomPreferences = { layout: 'grid', tilesPerPage: null, cameraId: null, microphoneId: null, speakerId: null };

const id = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : null);

/** Whatever was stored, made valid (an old or hand-edited value never breaks the room). */
export function parsePreferences(raw: string | null): RoomPreferences {
  let v: Record<string, unknown> = {};
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) v = parsed as Record<string, unknown>;
  } catch {
    /* defaults */
  }
  const tiles = v['tilesPerPage'];
  return {
    layout: isLayoutKind(v['layout']) ? v['layout'] : DEFAULTS.layout,
    tilesPerPage: typeof tiles === 'number' && Number.isInteger(tiles) && tiles >= 1 && tiles <= 25 ? tiles : null,
    cameraId: id(v['cameraId']),
    microphoneId: id(v['microphoneId']),
    speakerId: id(v['speakerId']),
  };
}

const listeners = new Set<() => void>();
let current: RoomPreferences | null = null;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function getRoomPreferences(): RoomPreferences {
  current ??= parsePreferences(storage()?.getItem(KEY) ?? null);
  return current;
}

export function setRoomPreferences(patch: Partial<RoomPreferences>): void {
  current = { ...getRoomPreferences(), ...patch };
  try {
    storage()?.setItem(KEY, JSON.stringify(current));
  } catch {
    /* private mode or full: kept for this session */
  }
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useRoomPreferences(): RoomPreferences {
  return useSyncExternalStore(subscribe, getRoomPreferences);
}
