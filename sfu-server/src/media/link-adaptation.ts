/**
 * What the bandwidth policy (bandwidth-policy.ts) needs from mediasoup, kept up to date for one
 * room: which simulcast layers of each forwarded camera flow now and at what bitrate (the
 * producer's stats, read once a second for the producers someone consumes), and each receiver's
 * estimated bandwidth (its receiving transport's 'bwe' trace, pushed by the worker).
 *
 * Only producers with a consumer are read: in a 300-point room that is the last-N cameras, the
 * chair and the screens, not every point (one worker request per such producer per second).
 */
import type { types } from 'mediasoup';
import { flowingLayers, ratesFromStats, type StreamInput } from './bandwidth-policy';

/** How often the layers of consumed producers are read. A stopped layer is seen within this. */
export const LAYER_POLL_MS = 1000;

export interface ProducerLayers {
  temporalLayers: number;
  /** Per spatial layer: cumulative bit/s by temporal layer, or null if nothing measured. */
  rates: (number[] | null)[];
  /** Per spatial layer: bits arriving and score above 0. */
  flowing: boolean[];
}

/** Temporal layers of a producer's encodings ("L1T3" → 3; none given → 1). */
export function temporalLayersOf(producer: Pick<types.Producer, 'rtpParameters'>): number {
  let max = 1;
  for (const e of producer.rtpParameters.encodings ?? []) {
    const m = /^[LS]\d+T(\d+)/.exec(e.scalabilityMode ?? '');
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** Spatial layers of a producer: its simulcast encodings, or an SVC encoding's spatial layers. */
export function spatialLayersOf(producer: Pick<types.Producer, 'rtpParameters'>): number {
  const encodings = producer.rtpParameters.encodings ?? [];
  if (encodings.length > 1) return encodings.length;
  const m = /^[LS](\d+)T\d+/.exec(encodings[0]?.scalabilityMode ?? '');
  return m ? Number(m[1]) : 1;
}

/** Reads a producer's stats into its layer state (simulcast: one stats entry per encoding). */
export async function readProducerLayers(producer: types.Producer): Promise<ProducerLayers> {
  const temporalLayers = temporalLayersOf(producer);
  const spatial = spatialLayersOf(producer);
  const stats = (await producer.getStats()) as (types.RtpStreamRecvStats & { rid?: string })[];
  const encodings = producer.rtpParameters.encodings ?? [];
  const rates: (number[] | null)[] = Array.from({ length: spatial }, () => null);
  const flowing: boolean[] = Array.from({ length: spatial }, () => false);
  if (producer.type === 'svc' && stats[0]) {
    const s0 = stats[0];
    for (let s = 0; s < spatial; s++) {
      const layer: number[] = [];
      for (let t = 0; t < temporalLayers; t++) layer.push(Number(s0.bitrateByLayer?.[`${s}.${t}`] ?? 0));
      rates[s] = layer;
      flowing[s] = s0.score > 0 && layer.some((v) => v > 0);
    }
    return { temporalLayers, rates, flowing };
  }
  for (const entry of stats) {
    const index = encodings.length > 1 ? encodings.findIndex((e) => (entry.rid !== undefined && e.rid === entry.rid) || e.ssrc === entry.ssrc) : 0;
    if (index < 0 || index >= spatial) continue;
    const layer = ratesFromStats({ bitrate: entry.bitrate, bitrateByLayer: entry.bitrateByLayer }, temporalLayers);
    rates[index] = layer;
    flowing[index] = entry.score > 0 && entry.bitrate > 0;
  }
  return { temporalLayers, rates, flowing };
}

/** The layer state of the producers a room forwards, refreshed by `refresh`. */
export class LayerWatch {
  readonly #layers = new Map<string, ProducerLayers>();

  get(producerId: string): ProducerLayers | undefined {
    return this.#layers.get(producerId);
  }

  /**
   * Reads the given producers (forgetting the others). Returns the ids of those whose flowing
   * layers changed since the last read (their receivers must be planned again at once).
   */
  async refresh(producers: Iterable<types.Producer>): Promise<Set<string>> {
    const changed = new Set<string>();
    const seen = new Set<string>();
    await Promise.all(
      [...producers].map(async (p) => {
        seen.add(p.id);
        try {
          const next = await readProducerLayers(p);
          const before = this.#layers.get(p.id);
          this.#layers.set(p.id, next);
          if (!before || before.flowing.join() !== next.flowing.join()) changed.add(p.id);
        } catch {
          // closed meanwhile
        }
      }),
    );
    for (const id of [...this.#layers.keys()]) if (!seen.has(id)) this.#layers.delete(id);
    return changed;
  }
}

/** The policy's view of one stream from its producer's layer state (unknown state: all layers assumed). */
export function streamInput(
  id: string,
  role: StreamInput['role'],
  maxSpatial: number,
  layered: boolean,
  producer: Pick<types.Producer, 'rtpParameters'>,
  state: ProducerLayers | undefined,
  previous: StreamInput['previous'],
): StreamInput {
  const temporalLayers = state?.temporalLayers ?? temporalLayersOf(producer);
  const spatial = spatialLayersOf(producer);
  const input: StreamInput = {
    id,
    role,
    maxSpatial: Math.min(maxSpatial, spatial - 1),
    temporalLayers,
    rates: state?.rates ?? Array.from({ length: spatial }, () => null),
    flowing: state?.flowing ?? Array.from({ length: spatial }, () => true),
    layered,
    previous,
  };
  // A producer with no layer flowing at all (paused, or not started): keep what the tile asks.
  if (flowingLayers(input).length === 0) input.flowing = Array.from({ length: spatial }, () => true);
  return input;
}
