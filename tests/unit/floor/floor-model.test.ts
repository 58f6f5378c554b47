import { describe, expect, it } from 'vitest';
import { compareRequests, DEFAULT_SETTINGS, enqueue, isHost, mayUseAudio, muteAllTargets, snapshot, type FloorModel } from '../../../sfu-server/src/floor/floor-model';

function model(patch: Partial<FloorModel> = {}): FloorModel {
  return {
    meetingId: 'm',
    chairId: 'chair',
    secretaryId: 'sec',
    createdBy: 'sec',
    settings: { ...DEFAULT_SETTINGS },
    hostPointName: '',
    holder: null,
    queue: [],
    moderation: new Map(),
    pointOf: new Map(),
    ...patch,
  };
}
const req = (id: string, at: string) => ({ id, accountId: `acc-${id}`, displayName: id, pointName: '', topic: '', requestedAt: at });

describe('speaker queue order', () => {
  it('serves first asked first, ties broken by id', () => {
    let q = enqueue([], req('b', '2026-01-01T10:00:02.000Z'));
    q = enqueue(q, req('a', '2026-01-01T10:00:03.000Z'));
    q = enqueue(q, req('c', '2026-01-01T10:00:01.000Z'));
    q = enqueue(q, req('0', '2026-01-01T10:00:02.000Z'));
    expect(q.map((r) => r.id)).toEqual(['c', '0', 'b', 'a']);
    expect(compareRequests(req('x', 't'), req('x', 't'))).toBe(0);
  });
});

describe('audio gate', () => {
  const point = (accountId: string, bridgePointId: string | null = null) => ({ accountId, bridgePointId });

  it('lets everyone speak in open mode, except those the host muted', () => {
    const m = model();
    expect(mayUseAudio(m, point('p1', 'bp1'))).toBe(true);
    m.moderation.set('p1', { displayName: 'P1', hostMuted: true, removed: false });
    expect(mayUseAudio(m, point('p1', 'bp1'))).toBe(false);
    expect(mayUseAudio(m, point('p2', 'bp2'))).toBe(true);
  });

  it('in controlled mode lets only the chair, the host point and the floor holder speak', () => {
    const m = model({ settings: { ...DEFAULT_SETTINGS, controlled: true, hostPointId: 'bp-host' } });
    expect(mayUseAudio(m, point('chair'))).toBe(true);
    expect(mayUseAudio(m, point('op-host', 'bp-host'))).toBe(true);
    expect(mayUseAudio(m, point('sec'))).toBe(false);
    expect(mayUseAudio(m, point('p1', 'bp1'))).toBe(false);
    m.holder = { accountId: 'p1', displayName: 'P1', pointName: '', topic: '', startedAt: new Date().toISOString() };
    expect(mayUseAudio(m, point('p1', 'bp1'))).toBe(true);
    expect(mayUseAudio(m, point('p2', 'bp2'))).toBe(false);
  });

  it('a host mute wins over the floor and the host point', () => {
    const m = model({ settings: { ...DEFAULT_SETTINGS, controlled: true, hostPointId: 'bp-host' } });
    m.holder = { accountId: 'p1', displayName: 'P1', pointName: '', topic: '', startedAt: new Date().toISOString() };
    m.moderation.set('p1', { displayName: 'P1', hostMuted: true, removed: false });
    m.moderation.set('op-host', { displayName: 'Host', hostMuted: true, removed: false });
    expect(mayUseAudio(m, point('p1', 'bp1'))).toBe(false);
    expect(mayUseAudio(m, point('op-host', 'bp-host'))).toBe(false);
    expect(isHost(m, point('op-host', 'bp-host'))).toBe(true);
  });

  it('without a host point, no bridge point is the host', () => {
    const m = model({ settings: { ...DEFAULT_SETTINGS, controlled: true } });
    expect(isHost(m, point('p', null))).toBe(false);
    expect(mayUseAudio(m, point('p', null))).toBe(false);
  });
});

describe('mute all', () => {
  it('mutes every point but organisers, the host point, the floor holder and the one asking', () => {
    const m = model({ settings: { ...DEFAULT_SETTINGS, hostPointId: 'bp-host' } });
    m.holder = { accountId: 'speaker', displayName: '', pointName: '', topic: '', startedAt: '' };
    const present = [
      { accountId: 'chair', bridgePointId: null },
      { accountId: 'sec', bridgePointId: null },
      { accountId: 'admin', bridgePointId: null },
      { accountId: 'op-host', bridgePointId: 'bp-host' },
      { accountId: 'speaker', bridgePointId: 'bp9' },
      { accountId: 'p1', bridgePointId: 'bp1' },
      { accountId: 'p1', bridgePointId: 'bp1' },
      { accountId: 'd1', bridgePointId: null },
    ];
    expect(muteAllTargets(m, present, 'admin').sort()).toEqual(['d1', 'p1']);
  });
});

describe('snapshot', () => {
  it('lists host mutes and removals with the settings', () => {
    const m = model();
    m.moderation.set('a', { displayName: 'A', hostMuted: true, removed: false });
    m.moderation.set('b', { displayName: 'B', hostMuted: false, removed: true });
    const s = snapshot(m, new Date('2026-01-01T00:00:00Z'));
    expect(s.hostMuted).toEqual(['a']);
    expect(s.removed).toEqual([{ accountId: 'b', displayName: 'B' }]);
    expect(s.serverNow).toBe('2026-01-01T00:00:00.000Z');
    expect(s.controlled).toBe(false);
  });
});
