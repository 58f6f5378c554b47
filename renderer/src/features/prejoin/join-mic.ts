/**
 * Whether to join with the microphone off: by default off in large meetings (see
 * common/meeting-size.ts: 10 or more invited bridge points) and on in small ones. The pre-join
 * screen's switch changes it, and the choice is remembered on this device (localStorage), once for
 * large meetings and once for small ones.
 */
import { isLargeMeeting } from '../../../../common/meeting-size';

export interface JoinMicPreference {
  /** Join large meetings with the microphone off. */
  mutedInLarge: boolean;
  /** Join small meetings with the microphone off. */
  mutedInSmall: boolean;
}

const KEY = 'phonghop.joinMic';
export const JOIN_MIC_DEFAULTS: JoinMicPreference = { mutedInLarge: true, mutedInSmall: false };

/** Whatever was stored, made valid. */
export function parseJoinMic(raw: string | null): JoinMicPreference {
  try {
    const v: unknown = raw ? JSON.parse(raw) : null;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return {
        mutedInLarge: typeof o['mutedInLarge'] === 'boolean' ? o['mutedInLarge'] : JOIN_MIC_DEFAULTS.mutedInLarge,
        mutedInSmall: typeof o['mutedInSmall'] === 'boolean' ? o['mutedInSmall'] : JOIN_MIC_DEFAULTS.mutedInSmall,
      };
    }
  } catch {
    /* defaults */
  }
  return { ...JOIN_MIC_DEFAULTS };
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readJoinMic(): JoinMicPreference {
  return parseJoinMic(storage()?.getItem(KEY) ?? null);
}

/** Whether a meeting inviting `invitedPoints` points is joined muted, by the remembered choice. */
export function joinMuted(invitedPoints: number, pref: JoinMicPreference = readJoinMic()): boolean {
  return isLargeMeeting(invitedPoints) ? pref.mutedInLarge : pref.mutedInSmall;
}

/** Remembers the choice for meetings of this size. */
export function rememberJoinMuted(invitedPoints: number, muted: boolean): void {
  const pref = readJoinMic();
  const next = isLargeMeeting(invitedPoints) ? { ...pref, mutedInLarge: muted } : { ...pref, mutedInSmall: muted };
  try {
    storage()?.setItem(KEY, JSON.stringify(next));
  } catch {
    /* private mode or full: this time only */
  }
}
