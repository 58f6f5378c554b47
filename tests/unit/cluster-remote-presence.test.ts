/** Who is in a meeting on the other servers (sfu-server/src/cluster/remote-presence.ts): pure bookkeeping. */
import { describe, expect, it } from 'vitest';
import type { PresencePeer } from '../../sfu-server/src/cluster/meeting-events';
import { peerInfoOf } from '../../sfu-server/src/cluster/presence-bridge';
import { RemotePresence } from '../../sfu-server/src/cluster/remote-presence';

const peer = (n: number, extra: Partial<PresencePeer> = {}): PresencePeer => ({ peerId: `p${n}`, accountId: `acc-${n}`, role: 'delegate', displayName: `Đại biểu ${n}`, pointName: '', ...extra });
const ids = (list: { peerId: string }[]) => list.map((p) => p.peerId).sort();

describe('RemotePresence', () => {
  it('keeps each server’s participants per meeting and says who came and went', () => {
    const r = new RemotePresence();
    expect(ids(r.joined('m1', 'b', peer(1)).joined)).toEqual(['p1']);
    // The same join heard twice (in a snapshot and as an event) changes nothing the second time.
    expect(r.joined('m1', 'b', peer(1))).toEqual({ joined: [], left: [] });
    r.joined('m1', 'c', peer(2));
    r.joined('m2', 'b', peer(3));
    expect(ids(r.peers('m1'))).toEqual(['p1', 'p2']);
    expect(r.peers('m1').find((p) => p.peerId === 'p2')!.server).toBe('c');
    expect(ids(r.left('m1', 'b', 'p1').left)).toEqual(['p1']);
    // A leave of someone unknown (or announced by another server) changes nothing.
    expect(r.left('m1', 'b', 'p2')).toEqual({ joined: [], left: [] });
    expect(ids(r.peers('m1'))).toEqual(['p2']);
    expect(r.servers()).toEqual(new Set(['b', 'c']));
  });

  it('a snapshot replaces what that server announced: the missing leave, the new and the changed join', () => {
    const r = new RemotePresence();
    r.joined('m1', 'b', peer(1));
    r.joined('m1', 'b', peer(2));
    r.joined('m1', 'c', peer(9));
    const diff = r.snapshot('m1', 'b', [peer(2, { displayName: 'Đại biểu hai' }), peer(3)]);
    expect(ids(diff.left)).toEqual(['p1', 'p2']);
    expect(ids(diff.joined)).toEqual(['p2', 'p3']);
    expect(ids(r.peers('m1'))).toEqual(['p2', 'p3', 'p9']);
    // The same snapshot again changes nothing; an empty one is still knowledge of the server.
    expect(r.snapshot('m1', 'b', [peer(2, { displayName: 'Đại biểu hai' }), peer(3)])).toEqual({ joined: [], left: [] });
    expect(ids(r.snapshot('m1', 'b', []).left)).toEqual(['p2', 'p3']);
    expect(r.knows('m1', 'b')).toBe(true);
    expect(r.knows('m1', 'x')).toBe(false);
  });

  it('a server gone takes its participants out of every meeting, and nothing else', () => {
    const r = new RemotePresence();
    r.joined('m1', 'b', peer(1));
    r.joined('m2', 'b', peer(2));
    r.joined('m2', 'c', peer(3));
    const gone = r.dropServer('b');
    expect([...gone.keys()].sort()).toEqual(['m1', 'm2']);
    expect(ids(gone.get('m2')!)).toEqual(['p2']);
    expect(r.peers('m1')).toEqual([]);
    expect(ids(r.peers('m2'))).toEqual(['p3']);
    expect(r.servers()).toEqual(new Set(['c']));
    r.forgetMeeting('m2');
    expect(r.servers()).toEqual(new Set());
  });

  it('a participant of another server is shown in the roster without streams', () => {
    expect(peerInfoOf(peer(1, { unitName: 'UBND xã A', level: 'commune', headcount: 20, joinedAt: 5 }))).toEqual({
      id: 'p1',
      accountId: 'acc-1',
      role: 'delegate',
      displayName: 'Đại biểu 1',
      pointName: '',
      unitName: 'UBND xã A',
      level: 'commune',
      headcount: 20,
      joinedAt: 5,
      producers: [],
    });
  });
});
