/**
 * Which microphones the raw recording taps: only those that may be heard. A tap is a mediasoup
 * PlainTransport and consumer (and a UDP relay socket in the server) per microphone; tapping every
 * microphone of a 300-point meeting, nearly all muted, cost 300 of them for nothing. Tapped:
 * - an unmuted microphone (producer not paused): it is heard now;
 * - the chair's and the floor holder's, even muted: they are the likeliest to speak next, and their
 *   first words must not wait for a tap to be made;
 * - a microphone muted less than `mutedTapMs` (8 s) ago: a point that mutes between sentences keeps
 *   its tap (and its ffmpeg) instead of paying for a new one each time. Not longer: ffmpeg's RTP
 *   input ends by itself after ~10 s without a packet (seen: exit 0, 11.5 s after a mute at load ~10),
 *   and a run kept past that would only be made again to wait.
 * Any other muted microphone is tapped the moment it is unmuted (the recorder listens to the
 * producer's `resume`), and the few tens of milliseconds that takes are written down (`heardSince`
 * in the run's `open` line of streams.jsonl), never hidden.
 */
export const MUTED_TAP_MS = 8_000;

export interface HeardContext {
  chairId: string;
  holderId: string | null;
  /** When this microphone was last seen unmuted (or muted: the moment it stopped being heard). */
  lastHeardAt: number | undefined;
  now: number;
  mutedTapMs?: number;
}

export function mayBeHeard(mic: { paused: boolean; accountId: string }, ctx: HeardContext): boolean {
  if (!mic.paused) return true;
  if (mic.accountId === ctx.chairId || (ctx.holderId !== null && mic.accountId === ctx.holderId)) return true;
  return ctx.lastHeardAt !== undefined && ctx.now - ctx.lastHeardAt < (ctx.mutedTapMs ?? MUTED_TAP_MS);
}
