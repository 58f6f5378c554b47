/**
 * When a receiver's plan reaches one step above what its estimate allows: a pure rule with backoff,
 * unit-tested apart from mediasoup; the room applies it after each plan (room.ts, #planReceiver).
 *
 * Why (found 2026-12-07 with the weak-link harness, the worker's 'bwe' and 'probation' traces; see
 * docs/ARCHITECTURE.md "Weak links"): the estimate towards a receiver is libwebrtc's GoogCC in the
 * worker. Its delay-based estimate does not rise above 1.5 × the acknowledged rate + 10 kbit/s. The
 * bandwidth policy plans video below 85 % of the estimate less 50 kbit/s per audio stream. Held
 * back, the two lock each other: after a 384/256 kbit link was lifted, a point received the chair's
 * 180p at its base frame rate (≈ 50 kbit/s, 95 kbit/s with audio) with an estimate stuck at
 * 139–141 kbit/s for 110 s, where its next step needed ≈ 147. The worker's own probes (every
 * ~4 s, 8 padding packets) and a probe forced by raising the transport's maximum did not move it.
 *
 * The rule: while the plan is held back (its next step needs more than the estimate), its link
 * loses less than REACH_MAX_LOSS (a lossy link is the limit itself) and its estimate has not fallen sharply for `quietMs`, the stream first in line gets its
 * next step as its ceiling (preferred layers). mediasoup's own allocation forwards it only if it
 * fits the worker's estimate; what it forwards is acknowledged and lets the estimate grow, until the
 * policy takes the step itself. A sharp fall of the estimate while reaching doubles `quietMs` (up to
 * MAX_REACH_QUIET_MS): a link that is really full is not pushed every few seconds; a step the plan
 * took by itself resets it.
 *
 * A lifted link (found 2026-12-07 with the weak-link spec: back to full quality took 16–61 s after
 * the 384/256 kbit 5 % shaping was lifted): on a lossy link the smoothed loss (mediasoup's weighted
 * average over the last transport-cc feedbacks) dips below REACH_MAX_LOSS now and then, a reach
 * follows, the estimate falls, and the wait doubles towards MAX_REACH_QUIET_MS, so that when the
 * link is lifted the next reach may be a minute away. So a link seen losing LOSSY_LOSS or more
 * while not reaching is *lossy*: it reaches only once its loss has stayed below REACH_MAX_LOSS for
 * CLEAN_MS (three rounds), and that clean run is what a lifted link looks like: the wait goes back
 * to REACH_QUIET_MS and falls before it are forgotten (they measured the old link), so it reaches
 * at once. A link that is still bad does not show three clean rounds in a row (and if it does, its
 * next round is lossy again: one reach, within mediasoup's own estimate, and it is lossy again).
 */

/** Wait after a sharp fall of the estimate before reaching again (first, and after a success). */
export const REACH_QUIET_MS = 10_000;
/** Longest wait, after reaches that ended in falls. */
export const MAX_REACH_QUIET_MS = 80_000;
/**
 * Highest loss towards the receiver (what its transport-cc feedback reports lost, before any
 * retransmission: mediasoup's `rtpPacketLossSent`) at which it reaches: below 1 % FEC and NACK hide
 * it (common/link-quality.ts). Not the consumer scores: they count packets repaired by NACK as
 * received and stayed at 9–10 on the 384/256 kbit link with 5 % loss.
 */
export const REACH_MAX_LOSS = 0.01;
/** Loss at or above which, seen while not reaching, the link itself is lossy (a still-bad link; see above). */
export const LOSSY_LOSS = 0.02;
/** How long a lossy link's loss must stay below REACH_MAX_LOSS before it counts as lifted (three 1-s rounds). */
export const CLEAN_MS = 2_000;

export interface ReachState {
  /** It reached above its plan in the last round. */
  reaching: boolean;
  /** Its plan was held back by the estimate in the last round (the room then reads its loss). */
  heldBack: boolean;
  /** The last sharp fall of the estimate already taken into account (ms), or null. */
  fallSeen: number | null;
  quietMs: number;
  /** Its link was seen losing LOSSY_LOSS or more while not reaching, and has not been clean for CLEAN_MS since. */
  lossy: boolean;
  /** Start of the current run of loss readings below REACH_MAX_LOSS, or null. */
  cleanSince: number | null;
  /** When a lossy link was last seen clean again (falls before it are forgotten), or null. */
  liftedAt: number | null;
}

export const initialReach: ReachState = { reaching: false, heldBack: false, fallSeen: null, quietMs: REACH_QUIET_MS, lossy: false, cleanSince: null, liftedAt: null };

export interface ReachInput {
  now: number;
  /** The receiver's estimate now (undefined: none yet). */
  estimate: number | undefined;
  /** The estimate its next step needs (bandwidth-policy.ts nextStep), null: nothing held back. */
  needed: number | null;
  /** When its estimate last fell sharply, or null. */
  lastFallAt: number | null;
  /** Loss towards it (0–1, see REACH_MAX_LOSS), null: not measured yet. */
  loss: number | null;
}

/** Whether to reach one step above the plan this round, and the state after it. */
export function nextReach(s: ReachState, input: ReachInput): { reach: boolean; state: ReachState } {
  const { now, estimate, needed, loss } = input;
  let quietMs = s.quietMs;
  let fallSeen = s.fallSeen;
  let { lossy, cleanSince, liftedAt } = s;
  // Loss not read this round (nothing was held back): no news about the link.
  if (loss !== null) {
    if (loss < REACH_MAX_LOSS) cleanSince ??= now;
    else cleanSince = null;
    if (loss >= LOSSY_LOSS && !s.reaching) lossy = true;
  }
  if (lossy && cleanSince !== null && now - cleanSince >= CLEAN_MS) {
    // A lossy link clean for three rounds: lifted. Its earlier falls and waits were the old link's.
    lossy = false;
    liftedAt = now;
    quietMs = REACH_QUIET_MS;
  }
  const lastFallAt = input.lastFallAt !== null && liftedAt !== null && input.lastFallAt <= liftedAt ? null : input.lastFallAt;
  if (lastFallAt !== null && lastFallAt !== fallSeen) {
    // A new sharp fall: if it came while reaching, the link did not carry the step.
    if (s.reaching) quietMs = Math.min(MAX_REACH_QUIET_MS, quietMs * 2);
    fallSeen = lastFallAt;
  }
  const heldBack = estimate !== undefined && needed !== null && needed > estimate;
  // The plan took the step by itself (or nothing is held back): the short wait again.
  if (!heldBack && s.reaching) quietMs = REACH_QUIET_MS;
  const reach = heldBack && !lossy && loss !== null && loss < REACH_MAX_LOSS && (lastFallAt === null || now - lastFallAt >= quietMs);
  return { reach, state: { reaching: reach, heldBack, fallSeen, quietMs, lossy, cleanSince, liftedAt } };
}

/**
 * The most the worker may send towards a receiver whose link is lossy (ReachState.lossy): the
 * estimate its plan needs now, or the estimate of its next step when that is a higher frame rate of
 * a layer it has (cheap, within its picture), with CAP_MARGIN, never under CAP_FLOOR. A larger
 * step (a higher spatial layer, a picture that yielded coming back) waits until the link is not
 * lossy any more. 0 (no limit) on any other link. Applied with `transport.setMaxOutgoingBitrate`.
 *
 * Why (found 2026-12-07 with the weak-link bench's per-second queue and audio figures, 384/256 kbit
 * 5 %): the point's concealed audio came in one-second bursts (736 ms in one second, nothing in most
 * others) when the downlink's tbf queue filled (backlog 312 ms) and dropped 235 packets at its tail,
 * with the estimate towards the point jumping from 30 to 309 kbit/s. mediasoup gives GoogCC a
 * maximum of at least its initial 600 kbit/s (`TransportCongestionControlClient::ApplyBitrateUpdates`)
 * and GoogCC probes towards it, and the estimate (video only: audio carries no transport-cc here)
 * may allow the yielded picture back at ≈ 280 kbit/s beside ≈ 100 kbit/s of speech on a 384 kbit/s
 * line: the queue fills, and the speech queued behind the video is lost in bursts that NACK cannot
 * repair in time. A lifted link stops being lossy (three clean rounds) and the cap goes at once.
 */
export const CAP_MARGIN = 1.15;
/** The lowest cap (bit/s): the first picture's 180p at full frame rate needs about this. */
export const CAP_FLOOR = 150_000;

export interface CapInput {
  /** The estimate the current plan needs (bandwidth-policy.ts plannedEstimate). */
  planNeeded: number;
  /** The plan's next step (bandwidth-policy.ts nextStep), and whether it only raises a frame rate. */
  next: { estimate: number; temporalOnly: boolean } | null;
}

export function outgoingCap(state: Pick<ReachState, 'lossy'>, input: CapInput): number {
  if (!state.lossy) return 0;
  const need = input.next?.temporalOnly ? Math.max(input.next.estimate, input.planNeeded) : input.planNeeded;
  return Math.round(Math.max(CAP_FLOOR, need * CAP_MARGIN));
}
