/**
 * How good a link is, from what WebRTC measures on it: pure rules shared by the client (its own
 * signal bars and suggestion) and the server (which points the chair should call). Each direction
 * gets 0–4 bars, the worst of three figures; the thresholds and why:
 *
 * - Packet loss of the *speech* (audio RTP). Below 1 % Opus in-band FEC and NACK hide it
 *   entirely; up to 2 % speech stays clear; up to 5 % (fair) FEC still covers most of it; from 5 %
 *   (poor) concealment becomes audible; from 10 % speech breaks up. Audio and video are judged
 *   apart: pooled, the many video packets (repaired by NACK/RTX, or lost on a layer the receiver
 *   will not show) hid or invented speech loss, and a 5 % link sat on the fair/poor boundary
 *   depending on how much video flowed. Video loss is a secondary sign: with speech measured it
 *   can make a link fair (video spends its rate on retransmissions, pictures stutter), never poor;
 *   with no speech flowing in that direction (every microphone muted) it is the only loss there
 *   is and counts in full.
 * - Round trip. ITU-T G.114 puts one-way delay below 150 ms as unnoticed in conversation (300 ms
 *   round trip); 500 ms round trip makes people talk over each other; beyond 1 s a conversation
 *   is hard (1 bar), beyond 2 s impossible (0), and such delay is a queue: a saturated line.
 * - Bandwidth the link carries (the sender's estimate for sending; what arrives for receiving).
 *   Our camera's simulcast layers are 150/400/1000 kbit/s (conference-engine.ts) and speech with
 *   packet overhead about 50 kbit/s: 600 kbit/s carries a middle layer with room to spare, 300 a
 *   middle layer barely, 150 the lowest layer only, and under 60 even speech is at risk.
 *   Received bitrate only rates a link when video is expected and it falls short (little arrives
 *   on a good link when nobody sends video), see `rateDirection`.
 */

export type Bars = 0 | 1 | 2 | 3 | 4;
export type LinkQuality = 'good' | 'fair' | 'poor';
/** Which figure limited the rating (for the suggestion). */
export type LinkProblem = 'loss' | 'rtt' | 'bandwidth';

/** Figures of one direction over the last measuring window; null = not measured (yet). */
export interface DirectionFigures {
  /** Speech: lost / (lost + received) of the audio packets over the window, 0–1; null when no audio flowed. */
  loss: number | null;
  /** The same for video, 0–1 (a secondary sign, see above); null or absent when not measured. */
  videoLoss?: number | null;
  rttMs: number | null;
  /** Bits per second the link can carry (send: the estimate) or carries (receive), or null. */
  bitrate: number | null;
}

export interface DirectionRating {
  bars: Bars;
  problem: LinkProblem | null;
}

/** Upper bounds of each bar count, best first: a value below LOSS[0] gives 4 bars, below LOSS[1] 3... */
export const LOSS_STEPS = [0.01, 0.02, 0.05, 0.1] as const;
export const RTT_STEPS_MS = [300, 500, 1000, 2000] as const;
/** The fewest bars video loss alone gives a direction whose speech is measured (fair: it never makes a link poor). */
export const VIDEO_LOSS_MIN_BARS = 2;
/** Lower bounds (bit/s): at least BANDWIDTH_STEPS[0] gives 4 bars, at least [1] 3... */
export const BANDWIDTH_STEPS = [600_000, 300_000, 150_000, 60_000] as const;

function barsBelow(value: number, steps: readonly number[]): Bars {
  const i = steps.findIndex((s) => value < s);
  return (i === -1 ? 0 : 4 - i) as Bars;
}

function barsAbove(value: number, steps: readonly number[]): Bars {
  const i = steps.findIndex((s) => value >= s);
  return (i === -1 ? 0 : 4 - i) as Bars;
}

/**
 * One direction's bars. `bitrate` counts only when `expectsVideo` (sending: a camera is on;
 * receiving: video is being forwarded to us): an audio-only link needs little.
 */
export function rateDirection(f: DirectionFigures, expectsVideo = true): DirectionRating {
  let bars: Bars = 4;
  let problem: LinkProblem | null = null;
  const consider = (b: Bars, why: LinkProblem) => {
    if (b < bars) {
      bars = b;
      problem = why;
    }
  };
  if (f.loss !== null) consider(barsBelow(Math.max(0, f.loss), LOSS_STEPS), 'loss');
  if (f.videoLoss !== null && f.videoLoss !== undefined) {
    const b = barsBelow(Math.max(0, f.videoLoss), LOSS_STEPS);
    consider(f.loss === null ? b : (Math.max(b, VIDEO_LOSS_MIN_BARS) as Bars), 'loss');
  }
  if (f.rttMs !== null) consider(barsBelow(Math.max(0, f.rttMs), RTT_STEPS_MS), 'rtt');
  if (f.bitrate !== null) {
    // Without video a link only has to carry speech: judge it against the lowest step alone.
    const b = expectsVideo ? barsAbove(f.bitrate, BANDWIDTH_STEPS) : f.bitrate >= BANDWIDTH_STEPS[3] ? 4 : 0;
    consider(b, 'bandwidth');
  }
  return { bars, problem };
}

/** 3–4 bars good, 2 fair, 0–1 poor. */
export function qualityOfBars(bars: Bars): LinkQuality {
  return bars >= 3 ? 'good' : bars === 2 ? 'fair' : 'poor';
}

export interface LinkRating {
  send: DirectionRating;
  recv: DirectionRating;
  quality: LinkQuality;
  /** What to suggest to the user (i18n key suffix), when the link is not good. */
  suggestion: LinkProblem | null;
}

export function rateLink(send: DirectionRating, recv: DirectionRating): LinkRating {
  const worst = send.bars <= recv.bars ? send : recv;
  const quality = qualityOfBars(worst.bars);
  return { send, recv, quality, suggestion: quality === 'good' ? null : worst.problem };
}

/**
 * mediasoup's stream scores (0–10: 10 = nothing lost, falling with loss and retransmissions) as
 * bars, for what the server sees itself: ≥ 9 → 4, ≥ 7 → 3, ≥ 5 → 2, ≥ 3 → 1, else 0.
 */
export function barsOfScore(score: number): Bars {
  return barsAbove(score, [9, 7, 5, 3]);
}
