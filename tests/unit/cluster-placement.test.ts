/** Which server a client is placed on (cluster/placement.ts): the rules in order, one by one. */
import { describe, expect, it } from 'vitest';
import { choosePlacement, inNetworks, RecentPlacements, type PlacementCandidate } from '../../sfu-server/src/cluster/placement';

const server = (id: string, o: Partial<PlacementCandidate> = {}): PlacementCandidate => ({
  id,
  publicUrl: `wss://hop.example.vn/s/${id}/ws`,
  alive: true,
  draining: false,
  participants: 0,
  meetingParticipants: 0,
  networks: [],
  ...o,
});
const ask = { clientIp: '203.0.113.9', capacity: 100 };

describe('placement', () => {
  it('nothing placeable (one server, or none with a public URL, alive and not draining): no placement', () => {
    expect(choosePlacement([], ask)).toBeNull();
    expect(choosePlacement([server('a', { publicUrl: null }), server('b', { alive: false }), server('c', { draining: true })], ask)).toBeNull();
  });

  it('never a dead or draining server, however light', () => {
    const p = choosePlacement([server('a', { alive: false }), server('b', { draining: true }), server('c', { participants: 90 })], ask);
    expect(p).toEqual({ serverId: 'c', signalingUrl: 'wss://hop.example.vn/s/c/ws', reason: 'load' });
  });

  it('spreads by load: the least loaded, ties by id (every server gives the same answer)', () => {
    expect(choosePlacement([server('b', { participants: 3 }), server('a', { participants: 3 }), server('c', { participants: 5 })], ask)?.serverId).toBe('a');
    expect(choosePlacement([server('a', { participants: 7 }), server('b', { participants: 2 })], ask)).toMatchObject({ serverId: 'b', reason: 'load' });
  });

  it('prefers a server already carrying the meeting while it is under the capacity, the one carrying most', () => {
    const servers = [server('a', { participants: 10 }), server('b', { participants: 60, meetingParticipants: 4 }), server('c', { participants: 50, meetingParticipants: 9 })];
    expect(choosePlacement(servers, ask)).toMatchObject({ serverId: 'c', reason: 'meeting' });
    // At the capacity, the meeting spreads to the next carrying server, then to the least loaded.
    expect(choosePlacement(servers, { ...ask, capacity: 50 })).toMatchObject({ serverId: 'a', reason: 'load' });
    expect(choosePlacement(servers, { ...ask, capacity: 61 })).toMatchObject({ serverId: 'c', reason: 'meeting' });
    servers[2]!.participants = 61;
    expect(choosePlacement(servers, { ...ask, capacity: 61 })).toMatchObject({ serverId: 'b', reason: 'meeting' });
  });

  it('everyone at the capacity: the least loaded all the same (a join is never refused for load)', () => {
    expect(choosePlacement([server('a', { participants: 120, meetingParticipants: 5 }), server('b', { participants: 101 })], ask)).toMatchObject({ serverId: 'b', reason: 'overloaded' });
  });

  it('avoids the server the client just lost, unless it is the only one', () => {
    const servers = [server('a', { meetingParticipants: 3 }), server('b', { participants: 50 })];
    expect(choosePlacement(servers, ask)?.serverId).toBe('a');
    expect(choosePlacement(servers, { ...ask, avoid: 'a' })?.serverId).toBe('b');
    expect(choosePlacement([server('a')], { ...ask, avoid: 'a' })?.serverId).toBe('a');
    // A made-up name changes nothing.
    expect(choosePlacement(servers, { ...ask, avoid: 'zzz' })?.serverId).toBe('a');
  });

  it('the client’s network first: a server near it under the capacity wins over affinity and load', () => {
    const servers = [server('hanoi', { participants: 1, meetingParticipants: 1 }), server('caobang', { participants: 40, networks: ['10.20.0.0/16', '2001:db8:20::/48'] })];
    expect(choosePlacement(servers, { ...ask, clientIp: '10.20.3.4' })).toMatchObject({ serverId: 'caobang', reason: 'network' });
    expect(choosePlacement(servers, { ...ask, clientIp: '::ffff:10.20.3.4' })).toMatchObject({ serverId: 'caobang', reason: 'network' });
    expect(choosePlacement(servers, { ...ask, clientIp: '2001:db8:20::7' })).toMatchObject({ serverId: 'caobang', reason: 'network' });
    expect(choosePlacement(servers, { ...ask, clientIp: '10.21.3.4' })).toMatchObject({ serverId: 'hanoi', reason: 'meeting' });
    // The near server full: the usual rules.
    expect(choosePlacement(servers, { ...ask, clientIp: '10.20.3.4', capacity: 40 })).toMatchObject({ serverId: 'hanoi', reason: 'meeting' });
  });

  it('network membership: IPv4, IPv6, mapped, junk', () => {
    expect(inNetworks('192.168.1.20', ['192.168.1.0/24'])).toBe(true);
    expect(inNetworks('192.168.2.20', ['192.168.1.0/24'])).toBe(false);
    expect(inNetworks('not-an-ip', ['192.168.1.0/24'])).toBe(false);
    expect(inNetworks(null, ['192.168.1.0/24'])).toBe(false);
    expect(inNetworks('192.168.1.20', ['garbage', '192.168.1.0/24'])).toBe(true);
  });

  it('recent placements count when made after the server’s last heartbeat (not twice), within the window', () => {
    const recent = new RecentPlacements(3000);
    recent.add('a', 'm1', 1000);
    recent.add('a', 'm2', 2000);
    recent.add('b', 'm1', 2500);
    expect(recent.count('a', 'm1', 0, 2600)).toEqual([2, 1]);
    // A heartbeat at 1500 has the first one already.
    expect(recent.count('a', 'm1', 1500, 2600)).toEqual([1, 0]);
    expect(recent.count('a', 'm1', 0, 4500)).toEqual([1, 0]);
    expect(recent.count('b', 'm1', 0, 6000)).toEqual([0, 0]);
  });
});
