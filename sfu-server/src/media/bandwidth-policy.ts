/**
 * Which layers of each forwarded video fit one receiver's link: pure functions, unit-tested apart
 * from mediasoup (like forwarding-policy.ts, which decides *whether* a video goes to a receiver and
 * the largest layer its tile needs). The room feeds them the receiver's estimated bandwidth (the
 * transport's 'bwe' trace), what each sender's simulcast streams carry now (producer scores and
 * per-layer bitrates) and who speaks and chairs; it applies the answer as the consumers' preferred
 * layers and priorities.
 *
 * Rules, and why:
 * - Budget = estimated bandwidth × HEADROOM − what the audio *the estimate measures* takes. The
 *   estimate is the worker's transport-cc estimate, built only from packets that carry the
 *   transport-cc extension; mediasoup 3.27 puts it on no audio it sends (its capability for audio
 *   is 'recvonly'), so the estimate is already what video can have beside the audio (the audio's
 *   share of the line shows in the delay it adds) and subtracting 50 kbit/s per microphone again
 *   left nothing: found 2026-12-07 on the 384/256 kbit 5 % link, estimate 147 kbit/s, two
 *   microphones → 25 kbit/s for video, every picture at its base frame rate (5 fps) and the
 *   estimate capped by GoogCC at 1.5 × that acknowledged video + 10 kbit/s. Audio that does carry
 *   the extension (`audioInEstimate`) is still counted first: speech is never given up for video.
 * - Streams are served in order: screen shares, the speaker, the chair, pinned tiles, the others.
 * - First pass, everyone's smooth minimum: each stream gets its lowest flowing spatial layer at
 *   the highest temporal layer that fits (a smooth 180p beats a stuttering 720p). The first picture
 *   in serving order that matters (a screen share, else the speaker, else the chair: SMOOTH_FIRST)
 *   is given its lowest layer at full frame rate as its ceiling even when the budget cannot pay for
 *   it, and is charged for it, so every other picture stays at its lowest layer and frame rate
 *   until the first is smooth: mediasoup then spends its own estimate on that picture's temporal
 *   layers first (priority), where the budget's headroom had held it at its base rate while the
 *   worker could have sent more (bench, 384/256 kbit 5 %: estimate 69–85 kbit/s, the chair's 180p
 *   51 / 83 / 145 kbit/s by temporal layer, planned at T0 = 5 fps with T1 within the estimate). A stream that
 *   does not fit even at its lowest frame rate keeps its lowest layer at its lowest frame rate, and
 *   mediasoup's own estimator (higher priorities first) gives it what is left. The server does not
 *   cut it: an estimate can be wrong for a while (a receiver whose CPU is starved looks like a
 *   congested link), and the receiving app itself falls back to fewer videos or audio only when
 *   its link stays poor. Only a single-layer stream of no priority that does not fit is not
 *   forwarded (it cannot be made smaller).
 * - Yielding (`othersYield`): when the budget cannot carry the first picture at full frame rate
 *   beside every other picture's base layer (`smoothMinimum`), the other pictures are paused for
 *   this receiver (the app shows them as paused to save bandwidth), since mediasoup would give
 *   each its base layer before the first picture's next temporal layer. They come back once the
 *   budget exceeds that minimum by RESUME_MARGIN; `nextStep` offers their resume before any other
 *   step, so a receiver on a clean link reaches it (bandwidth-reach.ts). Audio is never paused here.
 * - Second pass, in the same order: a stream moves up a spatial layer only if the higher layer fits
 *   at full frame rate, never above what its tile needs. Moving up must leave UPGRADE_MARGIN of
 *   the budget unspent (so a layer is not taken and dropped at each estimate); keeping the layer
 *   it had needs only that it fit.
 * - Only flowing layers count: a sender whose upper layers stop arriving (its own uplink is weak)
 *   is forwarded at the layers it does send; a layer that stops is left at once for one that flows.
 * - mediasoup still adapts within these bounds (its transport-cc estimator raises and lowers layers
 *   every few hundred ms); these rules set the ceiling and the order.
 */

export type StreamRole = 'screen' | 'speaker' | 'chair' | 'pinned' | 'other';

/** Serving order of the budget. */
const ROLE_ORDER: readonly StreamRole[] = ['screen', 'speaker', 'chair', 'pinned', 'other'];

/**
 * mediasoup consumer priority (1..255) per role: the worker's estimator serves higher priorities
 * first and lets each take `priority` layer steps per round.
 */
export const ROLE_PRIORITY: Readonly<Record<StreamRole, number>> = { screen: 4, speaker: 4, chair: 3, pinned: 2, other: 1 };

/** Share of the estimate video may plan on (the estimate lags; retransmissions and RTCP need room). */
export const HEADROOM = 0.85;
/** What one forwarded microphone takes on the wire (Opus ~32 kbit/s with FEC, plus RTP/UDP/IP). */
export const AUDIO_BPS = 50_000;
/** Moving a stream up must leave this share of the budget unspent (keeping a layer need not). */
export const UPGRADE_MARGIN = 0.1;

/**
 * Nominal bitrates when the sender's own are not measured yet: the camera's simulcast caps
 * (renderer: 100 / 400 / 1000 kbit/s), and for its temporal layers the share of the stream that
 * the base layer, then the base plus the next, carry in VP8's three-layer pattern.
 */
export const NOMINAL_SPATIAL_BPS = [100_000, 400_000, 1_000_000] as const;
export const NOMINAL_TEMPORAL_SHARE = [0.5, 0.75, 1] as const;
/**
 * A measured layer costs at least this share of its nominal rate: a sender that spends less now
 * (a still picture, an encoder held back by its CPU) goes back to its rate as soon as it can, and
 * a link must not be planned on the quiet moment (a 384 kbit/s link would otherwise take 720p).
 */
export const NOMINAL_FLOOR = 0.6;

export interface Layers {
  spatialLayer: number;
  temporalLayer: number;
}

export interface StreamInput {
  id: string;
  role: StreamRole;
  /** The highest spatial layer the receiver's tile needs (forwarding-policy's layersForTile). */
  maxSpatial: number;
  /** Temporal layers per spatial layer the sender encodes (VP8 simulcast from Chromium: 3). */
  temporalLayers: number;
  /**
   * For each spatial layer (simulcast stream) the sender has: bitrate in bit/s up to each temporal
   * layer (cumulative, as mediasoup's `bitrateByLayer`), or null when not measured yet.
   */
  rates: readonly (readonly number[] | null)[];
  /** For each spatial layer: whether it flows now (score > 0 and bits arriving). */
  flowing: readonly boolean[];
  /** Whether it has more than one layer to choose from (simulcast/SVC); single-layer streams are all or nothing. */
  layered: boolean;
  /** What it had after the previous plan (for the upgrade margin). */
  previous?: Layers | undefined;
  /** The previous plan paused it so that the first picture stays smooth (for the resume margin). */
  yielded?: boolean | undefined;
}

export interface StreamPlan {
  forward: boolean;
  /** Preferred layers (for layered streams). */
  layers: Layers;
  priority: number;
  /** Not forwarded because the link cannot carry it beside a smooth first picture (see YIELD rules). */
  yielded?: boolean;
}

/** Bitrate of one layer choice, measured or nominal. */
export function layerCost(stream: Pick<StreamInput, 'rates' | 'temporalLayers'>, spatial: number, temporal: number): number {
  // The nominal rate of that simulcast stream, its share for the temporal layer.
  const base = NOMINAL_SPATIAL_BPS[Math.min(spatial, NOMINAL_SPATIAL_BPS.length - 1)]!;
  const shares = NOMINAL_TEMPORAL_SHARE;
  const share = stream.temporalLayers <= 1 ? 1 : shares[Math.min(shares.length - 1, Math.round((temporal * (shares.length - 1)) / (stream.temporalLayers - 1)))]!;
  const nominal = base * share;
  const measured = stream.rates[spatial]?.[temporal];
  if (measured !== undefined && measured > 0) return Math.max(measured, nominal * NOMINAL_FLOOR);
  return nominal;
}

/** The spatial layers that flow, lowest first (all of them when nothing is known yet). */
export function flowingLayers(stream: Pick<StreamInput, 'flowing' | 'rates'>): number[] {
  const count = Math.max(stream.flowing.length, stream.rates.length, 1);
  const out: number[] = [];
  for (let s = 0; s < count; s++) if (stream.flowing[s] !== false) out.push(s);
  return out;
}

export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * How many of a receiver's audio streams its transport-cc estimate measures: those whose consumer
 * RTP parameters carry the transport-cc extension (none with mediasoup 3.27, see the rules above).
 * Paused ones send nothing and are left out.
 */
export function audioInEstimate(consumers: Iterable<{ kind: string; paused?: boolean; rtpParameters: { headerExtensions?: readonly { uri: string }[] | undefined } }>): number {
  let n = 0;
  for (const c of consumers) if (c.kind === 'audio' && !c.paused && (c.rtpParameters.headerExtensions ?? []).some((e) => e.uri === TRANSPORT_CC_URI)) n++;
  return n;
}

/** Budget for video: the estimate with headroom, less the audio it measures (`audioInEstimate`). Infinity: no estimate yet. */
export function videoBudget(availableBps: number | undefined, audioStreams: number): number {
  if (availableBps === undefined || !Number.isFinite(availableBps) || availableBps <= 0) return Infinity;
  return Math.max(0, availableBps * HEADROOM - audioStreams * AUDIO_BPS);
}

const rank = (role: StreamRole) => ROLE_ORDER.indexOf(role);

/** The roles whose first picture in serving order is made smooth before any other (see the rules above). */
export const SMOOTH_FIRST: ReadonlySet<StreamRole> = new Set(['screen', 'speaker', 'chair']);

/**
 * Streams paused so that they stop yielding again come back only once the budget exceeds the smooth
 * minimum by this factor (hysteresis: pausing frees what the estimate measured, and the estimate
 * only grows with what is forwarded, so without it they would be resumed and paused every round).
 */
export const RESUME_MARGIN = 1.2;

/** The first picture that matters (SMOOTH_FIRST) in serving order among layered streams, if any. */
function firstSmooth(ordered: readonly StreamInput[]): StreamInput | undefined {
  return ordered.find((s) => s.layered && SMOOTH_FIRST.has(s.role));
}

/**
 * What a receiver's link must carry for the first picture at full frame rate beside every other
 * picture's base layer (lowest flowing spatial layer at its lowest frame rate; a single-layer stream
 * whole). Below it, the other pictures yield (are paused for this receiver): found 2026-12-07 on the
 * 384/256 kbit 5 % point, where the worker's estimate held at 100–150 kbit/s and mediasoup gave
 * every consumer its base layer first (the other point's 180p at T0, ≈ 51 kbit/s), so the speaker's
 * next temporal layer never fitted (8 fps, target 12).
 */
export function smoothMinimum(streams: readonly StreamInput[]): number {
  const ordered = [...streams].sort((a, b) => rank(a.role) - rank(b.role));
  const first = firstSmooth(ordered);
  if (!first) return 0;
  let need = 0;
  for (const s of ordered) {
    const maxT = Math.max(0, s.temporalLayers - 1);
    if (!s.layered) need += layerCost(s, 0, maxT);
    else need += layerCost(s, flowingLayers(s)[0] ?? 0, s === first ? maxT : 0);
  }
  return need;
}

/** Whether the pictures other than the first yield at this budget (with RESUME_MARGIN once they have). */
export function othersYield(budgetBps: number, streams: readonly StreamInput[]): boolean {
  if (!Number.isFinite(budgetBps) || streams.length < 2) return false;
  const ordered = [...streams].sort((a, b) => rank(a.role) - rank(b.role));
  if (!firstSmooth(ordered)) return false;
  const need = smoothMinimum(streams);
  return budgetBps < (streams.some((s) => s.yielded) ? need * RESUME_MARGIN : need);
}

/** Plans one receiver: the layers, priority and forwarding of each video stream it is sent. */
export function planReceiver(budgetBps: number, streams: readonly StreamInput[]): Map<string, StreamPlan> {
  const ordered = streams.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s.role) - rank(b.s.role) || a.i - b.i);
  const plans = new Map<string, StreamPlan>();
  const spent = new Map<string, number>();
  let remaining = budgetBps;
  // The link cannot carry the first picture smooth beside the others' base layers: they yield.
  const yielding = othersYield(budgetBps, streams);
  const first = firstSmooth(ordered.map(({ s }) => s));

  // First pass: each its lowest flowing layer, at the highest frame rate that fits; the first
  // picture that matters at full frame rate whatever the budget.
  let smoothGiven = false;
  for (const { s } of ordered) {
    const priority = ROLE_PRIORITY[s.role];
    const maxT = Math.max(0, s.temporalLayers - 1);
    if (yielding && s !== first) {
      plans.set(s.id, { forward: false, yielded: true, layers: { spatialLayer: s.layered ? (flowingLayers(s)[0] ?? 0) : 0, temporalLayer: s.layered ? 0 : maxT }, priority });
      continue;
    }
    if (!s.layered) {
      const cost = layerCost(s, 0, maxT);
      const fits = cost <= remaining || s.role !== 'other';
      plans.set(s.id, { forward: fits, layers: { spatialLayer: 0, temporalLayer: maxT }, priority });
      if (fits) {
        remaining = Math.max(0, remaining - cost);
        spent.set(s.id, cost);
      }
      continue;
    }
    const flowing = flowingLayers(s);
    const low = flowing.length > 0 ? flowing[0]! : 0;
    let chosen = -1;
    for (let t = maxT; t >= 0; t--) {
      if (layerCost(s, low, t) <= remaining) {
        chosen = t;
        break;
      }
    }
    const smooth = !smoothGiven && SMOOTH_FIRST.has(s.role);
    if (smooth) smoothGiven = true;
    const t = smooth ? maxT : Math.max(0, chosen);
    const cost = layerCost(s, low, t);
    remaining = Math.max(0, remaining - cost);
    spent.set(s.id, cost);
    plans.set(s.id, { forward: true, layers: { spatialLayer: low, temporalLayer: t }, priority });
  }

  // Second pass: move up, at full frame rate only, within what the tile needs.
  for (const { s } of ordered) {
    const plan = plans.get(s.id);
    if (!s.layered || !plan?.forward) continue;
    const maxT = Math.max(0, s.temporalLayers - 1);
    if (plan.layers.temporalLayer < maxT) continue;
    for (const sp of flowingLayers(s)) {
      if (sp <= plan.layers.spatialLayer || sp > s.maxSpatial) continue;
      const current = spent.get(s.id) ?? 0;
      const extra = layerCost(s, sp, maxT) - current;
      const had = s.previous !== undefined && s.previous.spatialLayer >= sp;
      const room = had ? remaining : remaining - budgetBps * UPGRADE_MARGIN;
      if (extra > room) break;
      remaining -= extra;
      spent.set(s.id, current + extra);
      plan.layers = { spatialLayer: sp, temporalLayer: maxT };
    }
  }
  return plans;
}

/** A receiver's next step up beyond its plan: which stream, to which layers, at what estimate. */
export interface NextStep {
  id: string;
  layers: Layers;
  /** The estimate (bit/s) at which `planReceiver` would take this step itself. */
  estimate: number;
  /** The step resumes a picture that yielded (it is forwarded again at these layers). */
  resume?: boolean;
}

/**
 * The next step up `planReceiver` would take beyond `plans` if the estimate were higher: in serving
 * order, the first stream the budget held back — a higher frame rate of the layer it has, else its
 * next flowing spatial layer at full frame rate (with the upgrade margin) within what its tile
 * needs. null: nothing is held back (every stream has what its tile asks, or its sender sends
 * nothing more; single-layer streams left out are not stepped: they cannot be made smaller).
 *
 * Why the room needs it (found 2026-12-07, see bandwidth-reach.ts): the worker's estimator
 * (libwebrtc GoogCC) does not raise its delay-based estimate above 1.5 × the acknowledged rate +
 * 10 kbit/s, and this policy plans below 85 % of the estimate less 50 kbit/s per audio stream; so a
 * plan that is held back holds the estimate where it is, and neither moves again.
 */
export function nextStep(streams: readonly StreamInput[], plans: ReadonlyMap<string, StreamPlan>, audioStreams: number): NextStep | null {
  let spent = 0;
  for (const s of streams) {
    const plan = plans.get(s.id);
    if (plan?.forward) spent += layerCost(s, s.layered ? plan.layers.spatialLayer : 0, s.layered ? plan.layers.temporalLayer : Math.max(0, s.temporalLayers - 1));
  }
  const toEstimate = (budget: number) => (budget + audioStreams * AUDIO_BPS) / HEADROOM;
  const ordered = streams.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s.role) - rank(b.s.role) || a.i - b.i);
  // Pictures that yielded come back before anything moves up (the plan's first pass resumes them).
  const yielded = ordered.find(({ s }) => plans.get(s.id)?.yielded);
  if (yielded) return { id: yielded.s.id, resume: true, layers: plans.get(yielded.s.id)!.layers, estimate: toEstimate(smoothMinimum(streams) * RESUME_MARGIN) };
  for (const { s } of ordered) {
    const plan = plans.get(s.id);
    if (!plan?.forward || !s.layered) continue;
    const maxT = Math.max(0, s.temporalLayers - 1);
    const { spatialLayer: sp, temporalLayer: t } = plan.layers;
    const current = layerCost(s, sp, t);
    if (t < maxT) return { id: s.id, layers: { spatialLayer: sp, temporalLayer: t + 1 }, estimate: toEstimate(spent - current + layerCost(s, sp, t + 1)) };
    const up = flowingLayers(s).find((l) => l > sp && l <= s.maxSpatial);
    if (up !== undefined) return { id: s.id, layers: { spatialLayer: up, temporalLayer: maxT }, estimate: toEstimate((spent - current + layerCost(s, up, maxT)) / (1 - UPGRADE_MARGIN)) };
  }
  return null;
}

/** The estimate (bit/s) at which `planReceiver` would give these plans: what they cost, with the audio it measures, over HEADROOM. */
export function plannedEstimate(streams: readonly StreamInput[], plans: ReadonlyMap<string, StreamPlan>, audioStreams: number): number {
  let spent = 0;
  for (const s of streams) {
    const plan = plans.get(s.id);
    if (plan?.forward) spent += layerCost(s, s.layered ? plan.layers.spatialLayer : 0, s.layered ? plan.layers.temporalLayer : Math.max(0, s.temporalLayers - 1));
  }
  return (spent + audioStreams * AUDIO_BPS) / HEADROOM;
}

/**
 * What one simulcast stream of a producer carries, from mediasoup's producer stats entry
 * (`bitrateByLayer` keys "spatial.temporal" → cumulative bit/s; simulcast streams have spatial 0).
 */
export function ratesFromStats(entry: { bitrate?: number; bitrateByLayer?: Record<string, number> | undefined }, temporalLayers: number): number[] {
  const out: number[] = [];
  const byLayer = entry.bitrateByLayer ?? {};
  for (let t = 0; t < Math.max(1, temporalLayers); t++) {
    const v = byLayer[`0.${t}`];
    out.push(typeof v === 'number' ? v : t === temporalLayers - 1 ? (entry.bitrate ?? 0) : 0);
  }
  return out;
}
