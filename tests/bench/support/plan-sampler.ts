/**
 * What the server plans for one receiver and what its consumers forward, sampled once a second
 * while a bench window runs (tests/bench/weak-links.ts): the receiver's estimate (the 'bwe' trace the
 * bandwidth policy plans on), and for each video it receives the plan (preferred layers, priority),
 * the layers mediasoup forwards now (`consumer.currentLayers`) and what the sender's lowest
 * simulcast stream costs per temporal layer (`bitrateByLayer`). Read from the server object the
 * bench started in its own process; nothing is asked of the clients.
 */
import type { RunningServer } from '../../../sfu-server/src/server';

export interface PlanSample {
  estimate: number | undefined;
  /** The receiving transport's cap on a lossy link (bit/s, 0: none; bandwidth-reach.ts outgoingCap). */
  cap: number;
  speaker: string;
  streams: {
    from: string;
    priority: number | undefined;
    plan: string;
    current: string;
    /** The sender's lowest simulcast stream, cumulative bit/s by temporal layer. */
    r0: number[];
  }[];
}

const layersKey = (l: { spatialLayer: number; temporalLayer?: number | undefined } | undefined) => (l ? `S${l.spatialLayer}T${l.temporalLayer ?? '?'}` : 'none');

async function sampleOnce(server: RunningServer, meetingId: string, receiverName: string): Promise<PlanSample | null> {
  const room = server.rooms.find(meetingId);
  const receiver = room && [...room.peers.values()].find((p) => p.identity.displayName === receiverName);
  if (!room || !receiver) return null;
  const speakerId = room.activeSpeaker;
  const sample: PlanSample = { estimate: receiver.availableBitrate, cap: receiver.outgoingCap, speaker: (speakerId && room.peers.get(speakerId)?.identity.displayName) || '—', streams: [] };
  for (const c of receiver.consumers.values()) {
    if (c.closed || c.kind !== 'video') continue;
    const sender = room.peers.get(c.appData.peerId);
    const producer = sender?.producers.get(c.producerId);
    const stats = producer ? ((await producer.getStats().catch(() => [])) as { rid?: string; bitrateByLayer?: Record<string, number> }[]) : [];
    const rid0 = producer?.rtpParameters.encodings?.[0]?.rid;
    const low = stats.find((s) => s.rid !== undefined && s.rid === rid0) ?? stats[0];
    const r0 = [0, 1, 2].map((t) => Math.round(low?.bitrateByLayer?.[`0.${t}`] ?? 0));
    const plan = receiver.bandwidthPlan.get(c.id);
    sample.streams.push({
      from: sender?.identity.displayName ?? '?',
      priority: plan?.priority,
      plan: plan ? (plan.forward ? layersKey(plan.layers) : 'cut') : 'none',
      current: c.paused ? 'paused' : layersKey(c.currentLayers),
      r0,
    });
  }
  return sample;
}

/** Samples every second until `stop()`; `stop()` returns the samples. */
export function samplePlans(server: RunningServer, meetingId: string, receiverName: string): { stop: () => Promise<PlanSample[]> } {
  const samples: PlanSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await sampleOnce(server, meetingId, receiverName).catch(() => null);
      if (s) samples.push(s);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

const count = (values: string[]) => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(' ');
};

/** Lines for the bench's output: the estimate's range, and per sender the plans and forwarded layers seen. */
export function describePlans(samples: readonly PlanSample[]): string[] {
  if (samples.length === 0) return ['  server plan: no samples'];
  const est = samples.map((s) => s.estimate).filter((e): e is number => e !== undefined).sort((a, b) => a - b);
  const k = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v / 1000)}`);
  const lines = [
    `  server plan (${samples.length} samples): estimate towards the point min ${k(est[0])} / median ${k(est[Math.floor(est.length / 2)])} / max ${k(est[est.length - 1])} kbit/s; speaker: ${count(samples.map((s) => s.speaker))}`,
  ];
  lines.push(`    estimate per second: ${samples.map((s) => k(s.estimate)).join(' ')} kbit/s; cap on a lossy link: ${samples.map((s) => (s.cap > 0 ? k(s.cap) : '—')).join(' ')}`);
  const senders = [...new Set(samples.flatMap((s) => s.streams.map((x) => x.from)))];
  for (const from of senders) {
    const rows = samples.flatMap((s) => s.streams.filter((x) => x.from === from));
    const r0 = rows[rows.length - 1]?.r0 ?? [];
    lines.push(
      `    ${from}: priority ${count(rows.map((r) => String(r.priority ?? '—')))}; planned ${count(rows.map((r) => r.plan))}; forwarded ${count(rows.map((r) => r.current))}; its 180p by temporal layer ${r0.map((v) => Math.round(v / 1000)).join('/')} kbit/s`,
    );
  }
  return lines;
}
