/**
 * What servers tell each other about media (issue 16, wiring step 5): the producers in presence
 * and `media.producers`, checked like every event; a producer change is an update of the roster
 * entry, not a leave and a join (remote-presence.ts).
 */
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, MAX_SNAPSHOT_PEERS, MeetingEvent, type PresencePeer } from '../../sfu-server/src/cluster/meeting-events';
import { RemotePresence } from '../../sfu-server/src/cluster/remote-presence';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
type Produced = { id: string; kind: 'audio' | 'video'; source: 'mic' | 'webcam' | 'screen'; paused: boolean };
const cam = (n: number, paused = false): Produced => ({ id: uuid(1_000_000 + n), kind: 'video', source: 'webcam', paused });
const mic = (n: number, paused = true): Produced => ({ id: uuid(2_000_000 + n), kind: 'audio', source: 'mic', paused });
const peer = (n: number, producers = [cam(n), mic(n)]): PresencePeer => ({
  peerId: uuid(n),
  accountId: uuid(500_000 + n),
  role: 'operator',
  displayName: `Điểm cầu Ủy ban nhân dân xã Phúc Thịnh số ${n}`,
  pointName: `Điểm cầu xã Phúc Thịnh, huyện Chiêm Hóa số ${n}`,
  unitName: 'Ủy ban nhân dân huyện Chiêm Hóa, tỉnh Tuyên Quang',
  level: 'commune',
  headcount: 30,
  joinedAt: 1_765_100_000_000 + n,
  producers,
});

describe('media announcements between servers', () => {
  it('media.producers is checked: kinds, sources, at most 8, nothing else', () => {
    const ok = { type: 'media.producers', peerId: 'p1', producers: [cam(1), mic(1)] };
    expect(MeetingEvent.safeParse(ok).success).toBe(true);
    expect(MeetingEvent.safeParse({ ...ok, producers: Array.from({ length: 9 }, (_, i) => cam(i)) }).success).toBe(false);
    expect(MeetingEvent.safeParse({ ...ok, producers: [{ ...cam(1), kind: 'data' }] }).success).toBe(false);
    expect(MeetingEvent.safeParse({ ...ok, producers: [{ ...cam(1), source: 'desktop' }] }).success).toBe(false);
    expect(MeetingEvent.safeParse({ ...ok, producers: [{ ...cam(1), rtpParameters: {} }] }).success).toBe(false);
    expect(MeetingEvent.safeParse({ ...ok, producers: [{ ...cam(1), id: '' }] }).success).toBe(false);
    expect(MeetingEvent.safeParse({ type: 'presence', change: 'joined', ...peer(1), producers: [{ ...mic(1), paused: 'no' }] }).success).toBe(false);
  });

  it('a full presence snapshot with everyone’s producers fits in one event', () => {
    const peers = Array.from({ length: MAX_SNAPSHOT_PEERS }, (_, i) => peer(i, [cam(i), mic(i), { ...cam(i), id: uuid(3_000_000 + i), source: 'screen' }]));
    const event = MeetingEvent.parse({ type: 'presence.snapshot', reply: true, peers });
    const envelope = JSON.stringify({ v: 1, server: 'hn-1', epoch: 'abcdef0123456789', meetingId: uuid(9), seq: 1, sentAt: Date.now(), event });
    expect(Buffer.byteLength(envelope)).toBeLessThan(MAX_EVENT_BYTES);
  });

  it('a producer change updates the roster entry: no leave and join (the roster and attendance stay), and it is said', () => {
    const r = new RemotePresence();
    r.joined('m', 'b', peer(1, []));
    const again = r.joined('m', 'b', peer(1, [cam(1)]));
    expect(again.joined).toEqual([]);
    expect(again.left).toEqual([]);
    expect(again.updated?.map((p) => p.producers)).toEqual([[cam(1)]]);
    const changed = r.setProducers('m', 'b', uuid(1), [cam(1, true)]);
    expect(changed).toMatchObject({ joined: [], left: [], updated: [{ peerId: uuid(1), producers: [cam(1, true)] }] });
    // The same state again, or someone unknown: nothing.
    expect(r.setProducers('m', 'b', uuid(1), [cam(1, true)])).toEqual({ joined: [], left: [] });
    expect(r.setProducers('m', 'b', uuid(2), [cam(2)])).toEqual({ joined: [], left: [] });
    const snap = r.snapshot('m', 'b', [peer(1, [cam(1, false), mic(1)])]);
    expect(snap.joined).toEqual([]);
    expect(snap.left).toEqual([]);
    expect(snap.updated?.[0]?.producers).toEqual([cam(1, false), mic(1)]);
    expect(r.peers('m')[0]?.producers).toEqual([cam(1, false), mic(1)]);
  });
});
