/**
 * Automatic fallback when the link cannot carry video: pure decision rules with hysteresis, fed one
 * link rating per sample (every SAMPLE_MS); unit-tested apart from WebRTC.
 *
 * Levels: 0 = full; 1 = reduced (receive mode 'low': only the lowest layers come in, the camera
 * sends only its lowest layer: fewer bits, smaller videos); 2 = audio only (no video either way).
 * Speech is never given up: every level keeps the microphone and the others' voices.
 *
 * - Down one level after DOWN_SAMPLES poor samples in a row (6 s: a burst of loss or a congestion
 *   spike of a few seconds is ridden out; a link that stays poor is relieved before the audio
 *   suffers long). After a step the count starts again, so the next step waits until the lighter
 *   level has had time to take effect (the bandwidth estimate needs seconds to follow).
 * - Up one level after the link has been good for `upAfterMs` (6 s at first: three good samples,
 *   as three poor ones step down). Going back up is a probe: if the link turns poor again within
 *   FLAP_WINDOW_MS of it, the next probe waits twice as long (up to MAX_UP_AFTER_MS), so a link
 *   that carries audio but not video does not flap; a level held steadily for FLAP_WINDOW_MS earns
 *   the short wait back. The first wait was 20 s until 2026-12-07: a point whose 384/256 kbit 5 %
 *   link was lifted spent 40 s in audio only and low mode before the server could send it full
 *   quality again (the weak-link spec: 16–61 s back to 360p). A link that is still bad is never
 *   'good' (its speech loss, round trip or bitrate keep it fair or poor), so the short wait does not
 *   make it flap; the doubling still guards a link that carries audio but not video.
 * - 'fair' samples hold the level and reset both counts.
 * - The user's one click back ('override') returns to full at once and suspends automatic
 *   stepping down for OVERRIDE_HOLD_MS (the banner says so); then the rules apply again.
 */
import type { LinkQuality } from '../../../../../common/link-quality';
import type { ReceiveMode } from '../../../../../common/protocol';

export type FallbackLevel = 0 | 1 | 2;

export const SAMPLE_MS = 2_000;
export const DOWN_SAMPLES = 3;
export const BASE_UP_AFTER_MS = 6_000;
export const MAX_UP_AFTER_MS = 160_000;
export const FLAP_WINDOW_MS = 60_000;
export const OVERRIDE_HOLD_MS = 5 * 60_000;

export interface FallbackState {
  level: FallbackLevel;
  /** When the current level began (ms), or null before any change. */
  since: number | null;
  poorSamples: number;
  /** Start of the current run of good samples, or null. */
  goodSince: number | null;
  upAfterMs: number;
  /** When the last step up happened (to recognise a flap). */
  lastUpAt: number | null;
  /** No automatic step down before this time (the user asked for full quality). */
  holdUntil: number;
}

export const initialFallback: FallbackState = {
  level: 0,
  since: null,
  poorSamples: 0,
  goodSince: null,
  upAfterMs: BASE_UP_AFTER_MS,
  lastUpAt: null,
  holdUntil: 0,
};

/** The next state after one sample of the link's quality at `now`. */
export function nextFallback(s: FallbackState, quality: LinkQuality, now: number): FallbackState {
  // A level held steadily long enough earns the short probe wait back.
  let upAfterMs = s.upAfterMs;
  if (s.since !== null && now - s.since >= FLAP_WINDOW_MS && s.level === 0) upAfterMs = BASE_UP_AFTER_MS;

  if (quality === 'poor') {
    const poorSamples = s.poorSamples + 1;
    if (poorSamples >= DOWN_SAMPLES && s.level < 2 && now >= s.holdUntil) {
      const flapped = s.lastUpAt !== null && now - s.lastUpAt < FLAP_WINDOW_MS;
      return {
        ...s,
        level: (s.level + 1) as FallbackLevel,
        since: now,
        poorSamples: 0,
        goodSince: null,
        upAfterMs: flapped ? Math.min(MAX_UP_AFTER_MS, upAfterMs * 2) : upAfterMs,
      };
    }
    return { ...s, poorSamples, goodSince: null, upAfterMs };
  }
  if (quality === 'fair') return { ...s, poorSamples: 0, goodSince: null, upAfterMs };

  const goodSince = s.goodSince ?? now;
  if (s.level > 0 && now - goodSince >= upAfterMs) {
    // The next level's wait starts now: the good run goes on (from audio only to full in two waits).
    return { ...s, level: (s.level - 1) as FallbackLevel, since: now, poorSamples: 0, goodSince: now, lastUpAt: now, upAfterMs };
  }
  return { ...s, poorSamples: 0, goodSince, upAfterMs };
}

/** The user's one click back to full quality. */
export function overrideFallback(s: FallbackState, now: number): FallbackState {
  return { ...s, level: 0, since: now, poorSamples: 0, goodSince: null, holdUntil: now + OVERRIDE_HOLD_MS };
}

const MODES: readonly ReceiveMode[] = ['normal', 'low', 'audio-only'];

/** The receive mode of a level. */
export function modeOfLevel(level: FallbackLevel): ReceiveMode {
  return MODES[level] ?? 'normal';
}

/** The more restrictive of the user's chosen mode and the automatic level: what the engine applies. */
export function effectiveMode(chosen: ReceiveMode, level: FallbackLevel): ReceiveMode {
  return MODES[Math.max(MODES.indexOf(chosen), level)] ?? chosen;
}
