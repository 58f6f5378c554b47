/**
 * Which video flows to whom, at what layer: pure functions, so the rules are unit-tested apart
 * from mediasoup. The room applies their answers to its consumers.
 *
 * - A camera's video reaches a receiver only if the sender is among the last N speakers (speaker
 *   history first, then join order fills the rest), or is pinned by that receiver, or chairs the
 *   meeting; screen shares always may.
 * - ...and only if the receiver shows its tile now (a receiver that never reported its tiles is
 *   treated as showing everything); audio-only receivers get no video at all.
 * - The spatial layer follows the tile's height; low-bandwidth receivers get the lowest.
 * Audio is always forwarded: a muted microphone is a paused producer, which mediasoup does not forward.
 */
import type { MediaSource, ReceiveMode, TileView } from '../../../common/protocol';

export interface Layers {
  spatialLayer: number;
  temporalLayer: number;
}

/** Tile heights (CSS px) up to which each spatial layer is enough: ≤ 240 → 0, ≤ 480 → 1, else 2. */
export const LAYER_HEIGHT_LIMITS = [240, 480] as const;

/**
 * The layers a consumer should prefer for a tile of that height. `height` undefined: the size is
 * unknown (the receiver does not report tiles), so the best layer.
 */
export function layersForTile(height: number | undefined, mode: ReceiveMode, maxSpatialLayer = 2, maxTemporalLayer = 2): Layers {
  if (mode === 'low') return { spatialLayer: 0, temporalLayer: maxTemporalLayer };
  if (height === undefined) return { spatialLayer: maxSpatialLayer, temporalLayer: maxTemporalLayer };
  let spatial = LAYER_HEIGHT_LIMITS.findIndex((limit) => height <= limit);
  if (spatial < 0) spatial = LAYER_HEIGHT_LIMITS.length;
  return { spatialLayer: Math.min(spatial, maxSpatialLayer), temporalLayer: maxTemporalLayer };
}

/**
 * The peers whose camera video may be forwarded to anyone: the last `n` speakers, most recent
 * first; when fewer have spoken, the others fill in by join order (so a small meeting sees everyone).
 */
export function lastNSenders(speakerHistory: readonly string[], peersByJoinOrder: readonly string[], n: number): Set<string> {
  const present = new Set(peersByJoinOrder);
  const chosen = new Set<string>();
  for (const id of speakerHistory) {
    if (chosen.size >= n) break;
    if (present.has(id)) chosen.add(id);
  }
  for (const id of peersByJoinOrder) {
    if (chosen.size >= n) break;
    chosen.add(id);
  }
  return chosen;
}

/** Moves a new dominant speaker to the front of the history (bounded). */
export function pushSpeaker(history: readonly string[], peerId: string, max = 1000): string[] {
  return [peerId, ...history.filter((id) => id !== peerId)].slice(0, max);
}

export interface ReceiverView {
  /** The tiles shown now; null = never reported (everything counts as shown, size unknown). */
  views: readonly TileView[] | null;
  mode: ReceiveMode;
}

export interface VideoDecision {
  forward: boolean;
  /** Height of the tile showing it, when known. */
  height?: number | undefined;
}

/** Whether one sender's video of one source goes to this receiver now. */
export function decideVideo(
  receiver: ReceiverView,
  sender: { peerId: string; source: MediaSource },
  context: { lastN: ReadonlySet<string>; chairs: ReadonlySet<string> },
): VideoDecision {
  if (receiver.mode === 'audio-only') return { forward: false };
  let height: number | undefined;
  let pinned = false;
  if (receiver.views) {
    const view = receiver.views.find((v) => v.peerId === sender.peerId && v.source === sender.source);
    if (!view || view.width === 0 || view.height === 0) return { forward: false };
    height = view.height;
    pinned = view.pinned === true;
  }
  if (sender.source === 'screen') return { forward: true, height };
  const allowed = pinned || context.chairs.has(sender.peerId) || context.lastN.has(sender.peerId);
  return allowed ? { forward: true, height } : { forward: false };
}
