/**
 * Picture and sound of one bridge point, from what its producers deliver to the server now: pure,
 * so the rules are unit-tested without mediasoup.
 */
import type { PictureState, PointStatus, SoundState } from '../../../common/protocol';

export interface ProducerSnapshot {
  source: 'mic' | 'webcam' | 'screen';
  paused: boolean;
  /** Bits per second arriving at the server now (mediasoup's inbound stream statistics, summed over layers). */
  bitrate: number;
  /** mediasoup's quality score of the stream (0–10), best layer; 0 when nothing arrives. */
  score: number;
}

/** Below this, a camera stream is not really arriving (a few RTCP-only or stalled packets). */
export const MIN_VIDEO_BITRATE = 10_000;
/** Opus with DTX sends a comfort-noise packet every 400 ms when silent: any bitrate means it arrives. */
export const MIN_AUDIO_BITRATE = 1;

export function pictureOf(producers: readonly ProducerSnapshot[]): PictureState {
  const cam = producers.find((p) => p.source === 'webcam');
  if (!cam) return 'missing';
  if (cam.paused) return 'off';
  return cam.bitrate >= MIN_VIDEO_BITRATE && cam.score > 0 ? 'ok' : 'missing';
}

export function soundOf(producers: readonly ProducerSnapshot[]): SoundState {
  const mic = producers.find((p) => p.source === 'mic');
  if (!mic) return 'missing';
  if (mic.paused) return 'muted';
  return mic.bitrate >= MIN_AUDIO_BITRATE ? 'ok' : 'missing';
}

/** The counts at the top of the panel: invited, connected, and (with diagnostics) picture and sound OK. */
export function countPoints(points: readonly PointStatus[], diagnostics: boolean) {
  return {
    invited: points.length,
    connected: points.filter((p) => p.connected).length,
    picture: diagnostics ? points.filter((p) => p.picture === 'ok').length : null,
    sound: diagnostics ? points.filter((p) => p.sound === 'ok').length : null,
  };
}

/** Not connected first (what the host chases in a roll call), then by unit and name, Vietnamese order. */
export function sortPoints(points: PointStatus[]): PointStatus[] {
  const collator = new Intl.Collator('vi');
  return points.sort((a, b) => Number(a.connected) - Number(b.connected) || collator.compare(a.unitName, b.unitName) || collator.compare(a.name, b.name));
}
