/**
 * How the server judges a participant's link: pure, unit-tested. Two sources, the worse wins:
 *
 * - what the point's client measured and reported (its own bars; believed for REPORT_FRESH_MS —
 *   a client on a saturated line may fail to report, and then the server's own view decides);
 * - what the server sees itself, with no help from the client: mediasoup's score (0–10) of each
 *   stream the point sends (upstream loss), the best layer of each (a simulcast camera whose top
 *   layer was dropped by the client's own bandwidth estimate is not a problem), and the scores of
 *   the streams it receives (downstream loss from its receiver reports), averaged.
 *   Audio and video apart, as in common/link-quality.ts: the microphones' scores rate the link;
 *   the cameras' are a secondary sign that can make it fair, not poor (VIDEO_LOSS_MIN_BARS), except
 *   in a direction where no audio flows, where they are all there is.
 *
 * A change of quality must hold for a few evaluations before it is announced (`settle`): worse
 * after WORSE_AFTER evaluations in a row, better after BETTER_AFTER, so the chair's panel does not
 * flicker with every burst of loss, and a point marked poor stays marked until it has recovered.
 */
import { barsOfScore, qualityOfBars, VIDEO_LOSS_MIN_BARS, type Bars } from '../../../common/link-quality';
import type { LinkFallback, LinkQuality, LinkReport, PeerLink } from '../../../common/protocol';

export const REPORT_FRESH_MS = 10_000;
export const WORSE_AFTER = 2;
export const BETTER_AFTER = 3;

/** mediasoup scores of one direction's streams, by kind. */
export interface KindScores {
  audio: number[];
  video: number[];
}

export interface ServerView {
  /** For each stream the point sends (not paused): the best score over its layers; none yet: omitted. */
  sendScores: KindScores;
  /** For each stream it receives and that flows now: the downstream score. */
  recvScores: KindScores;
}

/** One direction's bars from its scores: the audio's, and the video's as a secondary sign. */
function barsOfScores(scores: KindScores, pick: (s: number[]) => number): Bars {
  const audio = scores.audio.length > 0 ? barsOfScore(pick(scores.audio)) : null;
  if (scores.video.length === 0) return audio ?? 4;
  const video = barsOfScore(pick(scores.video));
  if (audio === null) return video;
  return minBars(audio, Math.max(video, VIDEO_LOSS_MIN_BARS) as Bars);
}

const lowest = (s: number[]) => Math.min(...s);
const mean = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;

const minBars = (...bars: Bars[]): Bars => Math.min(...bars) as Bars;

export interface LinkJudgement {
  sendBars: Bars;
  recvBars: Bars;
  quality: LinkQuality;
  lossPercent: number | null;
  rttMs: number | null;
  fallback: LinkFallback;
}


export function judgeLink(report: LinkReport | null, reportAgeMs: number, view: ServerView): LinkJudgement {
  const fresh = report !== null && reportAgeMs <= REPORT_FRESH_MS ? report : null;
  const serverSend = barsOfScores(view.sendScores, lowest);
  const serverRecv = barsOfScores(view.recvScores, mean);
  const sendBars = minBars(serverSend, (fresh?.sendBars ?? 4) as Bars);
  const recvBars = minBars(serverRecv, (fresh?.recvBars ?? 4) as Bars);
  const losses = [fresh?.sendLossPercent, fresh?.recvLossPercent].filter((v): v is number => typeof v === 'number');
  return {
    sendBars,
    recvBars,
    quality: qualityOfBars(minBars(sendBars, recvBars)),
    lossPercent: losses.length > 0 ? Math.max(...losses) : null,
    rttMs: fresh?.rttMs ?? null,
    fallback: fresh?.fallback ?? 'none',
  };
}

const RANK: Record<LinkQuality, number> = { good: 2, fair: 1, poor: 0 };

/** The announced state and a change waiting to be confirmed. */
export interface Settled {
  link: PeerLink;
  pending: { quality: LinkQuality; count: number } | null;
}

/** The next announced state after one evaluation at `now`; `changed`: the chair must be told. */
export function settle(prev: Settled | null, peerId: string, j: LinkJudgement, now: number): { next: Settled; changed: boolean } {
  const fields = { sendBars: j.sendBars, recvBars: j.recvBars, lossPercent: j.lossPercent, rttMs: j.rttMs, fallback: j.fallback };
  if (!prev) return { next: { link: { peerId, quality: j.quality, since: now, ...fields }, pending: null }, changed: true };
  const current = prev.link.quality;
  let quality = current;
  let since = prev.link.since;
  let pending: Settled['pending'] = null;
  if (j.quality !== current) {
    const count = prev.pending?.quality === j.quality ? prev.pending.count + 1 : 1;
    const needed = RANK[j.quality] < RANK[current] ? WORSE_AFTER : BETTER_AFTER;
    if (count >= needed) {
      quality = j.quality;
      since = now;
    } else pending = { quality: j.quality, count };
  }
  const link: PeerLink = { peerId, quality, since, ...fields };
  const changed = quality !== current || j.fallback !== prev.link.fallback;
  return { next: { link, pending }, changed };
}
