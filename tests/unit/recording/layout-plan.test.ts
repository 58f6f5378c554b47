import { describe, expect, it } from 'vitest';
import { planLayout } from '../../../sfu-server/src/recording/layout-plan';
import type { StreamEvent, TimelineEvent } from '../../../sfu-server/src/recording/recording-files';

const T0 = 1_000_000;
const info = (run: string, accountId: string, source: 'mic' | 'webcam' | 'screen') => ({ producerId: run, peerId: `p-${accountId}`, accountId, displayName: accountId, pointName: `Xã ${accountId}`, source, kind: source === 'mic' ? ('audio' as const) : ('video' as const) });
const run = (name: string, accountId: string, source: 'mic' | 'webcam' | 'screen', from: number, to?: number): StreamEvent[] => [
  { type: 'open', run: name, at: T0 + from * 1000 - 100, info: info(name, accountId, source) },
  { type: 'first', run: name, at: T0 + from * 1000 },
  ...(to !== undefined ? [{ type: 'end' as const, run: name, at: T0 + to * 1000, reason: 'producer-closed' }] : []),
];
const person = (id: string) => ({ accountId: id, displayName: id, pointName: `Xã ${id}` });

describe('archive layout plan', () => {
  it('follows the floor, keeps the chair beside, gives a screen share the main slot', () => {
    const streams = [...run('chair-cam', 'chair', 'webcam', 0), ...run('a-cam', 'a', 'webcam', 0), ...run('b-cam', 'b', 'webcam', 0), ...run('a-mic', 'a', 'mic', 0.5), ...run('a-screen', 'a', 'screen', 20, 30)];
    const timeline: TimelineEvent[] = [
      { type: 'speaker', at: T0 + 1000, speaker: person('a') },
      { type: 'floor', at: T0 + 10_000, holder: person('b') },
      { type: 'screen', at: T0 + 20_000, sharers: [person('a')] },
      { type: 'screen', at: T0 + 30_000, sharers: [] },
    ];
    const plan = planLayout(streams, timeline, T0, T0 + 40_000, 'chair');
    expect(plan.duration).toBe(40);
    const at = (t: number, slot: string) => plan.placements.find((p) => p.slot === slot && p.from <= t && t < p.to)?.run;
    expect(at(0.5, 'main')).toBe('chair-cam');
    expect(at(5, 'main')).toBe('a-cam');
    expect(at(5, 'side1')).toBe('chair-cam');
    expect(at(15, 'main')).toBe('b-cam');
    expect(at(25, 'main')).toBe('a-screen');
    expect(at(25, 'side1')).toBe('b-cam');
    expect(at(25, 'side2')).toBe('chair-cam');
    expect(at(35, 'main')).toBe('b-cam');
    expect(plan.audios.map((a) => a.run)).toEqual(['a-mic']);
    expect(plan.audios[0]!.offset).toBe(0.5);
  });

  it('ignores speaker turns under 2 s and records gaps', () => {
    const streams = [...run('a-cam', 'a', 'webcam', 0), ...run('b-cam', 'b', 'webcam', 0), ...run('c-cam', 'c', 'webcam', 0)];
    const timeline: TimelineEvent[] = [
      { type: 'speaker', at: T0 + 1000, speaker: person('a') },
      { type: 'speaker', at: T0 + 5000, speaker: person('b') },
      { type: 'speaker', at: T0 + 5800, speaker: person('a') },
      { type: 'gap', at: T0 + 12_000, reason: 'room-closed' },
      { type: 'gap-end', at: T0 + 15_000 },
    ];
    const plan = planLayout(streams, timeline, T0, T0 + 20_000, 'nobody');
    expect(plan.placements.some((p) => p.run === 'b-cam')).toBe(false);
    expect(plan.gaps).toEqual([{ from: 12, to: 15 }]);
  });

  it('leaves out runs that never sent a packet', () => {
    const streams: StreamEvent[] = [{ type: 'open', run: 'x', at: T0, info: info('x', 'a', 'webcam') }, { type: 'end', run: 'x', at: T0 + 5000, reason: 'ffmpeg-exit 1' }];
    expect(planLayout(streams, [], T0, T0 + 10_000, 'a').videos).toEqual([]);
  });
});
