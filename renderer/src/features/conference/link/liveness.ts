/**
 * When the engine should probe the signaling path, and when it should give up on it and rejoin.
 * Pure, so the thresholds are unit-tested.
 *
 * Any frame from the server (an answer or a notification) proves the path is alive; a probe
 * (`media.ping`) is sent only after a quiet spell. On a commune link the WebSocket shares a
 * saturated line with the media: a frame can wait behind 300 ms+ of queue, and TCP retransmissions
 * at 5 % loss back off over seconds. So the path is declared dead only after SILENCE_DEAD_MS
 * without a single frame, two probes later: long enough that a slow line is never taken for a
 * cut one, short enough that a real cut (no `offline` event from the device) is noticed in
 * seconds. A device that reports itself offline is rejoined at once (the engine listens for it).
 */
export const PROBE_AFTER_SILENCE_MS = 4_000;
export const SILENCE_DEAD_MS = 12_000;
/** How often the engine looks. */
export const LIVENESS_TICK_MS = 1_000;

export type LivenessAction = 'none' | 'probe' | 'rejoin';

export function livenessAction(now: number, lastHeardAt: number, lastProbeAt: number): LivenessAction {
  const silent = now - lastHeardAt;
  if (silent >= SILENCE_DEAD_MS) return 'rejoin';
  // One probe per quiet spell of PROBE_AFTER_SILENCE_MS (a probe sent after the last frame counts).
  if (silent >= PROBE_AFTER_SILENCE_MS && now - Math.max(lastProbeAt, lastHeardAt) >= PROBE_AFTER_SILENCE_MS) return 'probe';
  return 'none';
}
