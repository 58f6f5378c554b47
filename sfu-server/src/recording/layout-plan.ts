/**
 * Which raw stream is shown where, and when, in the archive (pure, unit-tested).
 *
 * Speaker-follow view on 1280×720: the main slot (left, 960×540) shows a shared screen if there is
 * one, else the camera of the floor holder, else of the active speaker, else of the chair; the side
 * column (320×180 tiles) shows the chair beside it, and — while a screen is shared — the speaker
 * (holder or active speaker) above the chair. A speaker heard for less than SPEAKER_HOLD_S keeps
 * the previous one on screen, so the view does not flicker.
 */
import type { TapStreamInfo } from '../media/plain-tap';
import type { Person, StreamEvent, TimelineEvent } from './recording-files';

export const SPEAKER_HOLD_S = 2;

export interface RunSpan {
  run: string;
  info: TapStreamInfo;
  /** Seconds from the recording's start at which the run's t=0 lies (its first packet). */
  offset: number;
  /** Seconds from the recording's start at which it ended. */
  end: number;
}

export type Slot = 'main' | 'side1' | 'side2';

export interface Placement {
  run: string;
  slot: Slot;
  from: number;
  to: number;
}

export interface LayoutPlan {
  duration: number;
  videos: RunSpan[];
  audios: RunSpan[];
  placements: Placement[];
  gaps: Array<{ from: number; to: number }>;
}

/** The runs that sent something, with their time spans, from streams.jsonl. */
export function runSpans(events: StreamEvent[], startedAt: number, stoppedAt: number): RunSpan[] {
  const byRun = new Map<string, { info?: TapStreamInfo; first?: number; end?: number }>();
  for (const e of events) {
    const r = byRun.get(e.run) ?? {};
    if (e.type === 'open') r.info = e.info;
    if (e.type === 'first') r.first = e.at;
    if (e.type === 'end') r.end = e.at;
    byRun.set(e.run, r);
  }
  const out: RunSpan[] = [];
  for (const [run, r] of byRun) {
    if (!r.info || r.first === undefined) continue;
    const offset = Math.max(0, (r.first - startedAt) / 1000);
    const end = Math.min((stoppedAt - startedAt) / 1000, ((r.end ?? stoppedAt) - startedAt) / 1000);
    if (end <= offset) continue;
    out.push({ run, info: r.info, offset, end });
  }
  return out.sort((a, b) => a.offset - b.offset || a.run.localeCompare(b.run));
}

interface State {
  holder: string | null;
  speaker: string | null;
  sharers: string[];
}

export function planLayout(streams: StreamEvent[], timeline: TimelineEvent[], startedAt: number, stoppedAt: number, chairId: string): LayoutPlan {
  const duration = Math.max(0, (stoppedAt - startedAt) / 1000);
  const spans = runSpans(streams, startedAt, stoppedAt);
  const videos = spans.filter((s) => s.info.kind === 'video');
  const audios = spans.filter((s) => s.info.kind === 'audio');
  const sec = (at: number) => Math.min(duration, Math.max(0, (at - startedAt) / 1000));

  // State changes in time order; short speaker turns are dropped.
  const changes: Array<{ t: number; patch: Partial<State> }> = [];
  const speakerEvents = timeline.filter((e): e is Extract<TimelineEvent, { type: 'speaker' }> => e.type === 'speaker');
  for (let i = 0; i < speakerEvents.length; i++) {
    const e = speakerEvents[i]!;
    const next = speakerEvents[i + 1];
    if (next && (next.at - e.at) / 1000 < SPEAKER_HOLD_S) continue;
    changes.push({ t: sec(e.at), patch: { speaker: e.speaker?.accountId ?? null } });
  }
  for (const e of timeline) {
    if (e.type === 'floor') changes.push({ t: sec(e.at), patch: { holder: e.holder?.accountId ?? null } });
    if (e.type === 'screen') changes.push({ t: sec(e.at), patch: { sharers: e.sharers.map((p: Person) => p.accountId) } });
  }
  changes.sort((a, b) => a.t - b.t);

  const bounds = new Set<number>([0, duration]);
  for (const c of changes) bounds.add(c.t);
  for (const v of videos) {
    bounds.add(v.offset);
    bounds.add(v.end);
  }
  const cuts = [...bounds].filter((t) => t >= 0 && t <= duration).sort((a, b) => a - b);

  const state: State = { holder: null, speaker: null, sharers: [] };
  let ci = 0;
  const raw: Placement[] = [];
  const cameraOf = (accountId: string | null, t: number) => (accountId ? videos.find((v) => v.info.accountId === accountId && v.info.source === 'webcam' && v.offset <= t && t < v.end) : undefined);
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    while (ci < changes.length && changes[ci]!.t <= from) Object.assign(state, changes[ci++]!.patch);
    const screen = [...videos].reverse().find((v) => v.info.source === 'screen' && v.offset <= from && from < v.end);
    const chairCam = cameraOf(chairId, from);
    const speakerCam = cameraOf(state.holder, from) ?? cameraOf(state.speaker, from);
    if (screen) {
      raw.push({ run: screen.run, slot: 'main', from, to });
      const first = speakerCam ?? chairCam;
      if (first) raw.push({ run: first.run, slot: 'side1', from, to });
      if (chairCam && first && chairCam !== first) raw.push({ run: chairCam.run, slot: 'side2', from, to });
    } else {
      const main = speakerCam ?? chairCam ?? videos.find((v) => v.info.source === 'webcam' && v.offset <= from && from < v.end);
      if (main) raw.push({ run: main.run, slot: 'main', from, to });
      if (chairCam && chairCam !== main) raw.push({ run: chairCam.run, slot: 'side1', from, to });
    }
  }
  // Merge touching intervals of the same run in the same slot.
  const placements: Placement[] = [];
  for (const p of raw) {
    const prev = [...placements].reverse().find((q) => q.run === p.run && q.slot === p.slot);
    if (prev && Math.abs(prev.to - p.from) < 1e-6) prev.to = p.to;
    else placements.push({ ...p });
  }

  const gaps: Array<{ from: number; to: number }> = [];
  let open: number | null = null;
  for (const e of [...timeline].sort((a, b) => a.at - b.at)) {
    if (e.type === 'gap' && open === null) open = sec(e.at);
    if (e.type === 'gap-end' && open !== null) {
      if (sec(e.at) > open) gaps.push({ from: open, to: sec(e.at) });
      open = null;
    }
  }
  if (open !== null) gaps.push({ from: open, to: duration });
  return { duration, videos: videos.filter((v) => placements.some((p) => p.run === v.run)), audios, placements, gaps };
}
