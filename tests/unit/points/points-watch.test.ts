/**
 * PointsWatch (sfu-server/src/points/points-watch.ts): who asked is pushed changes only, until it
 * leaves or loses access; the sweep timer runs only while someone watches.
 */
import { describe, expect, it } from 'vitest';
import type { ResponseData } from '../../../common/protocol';
import type { Actor } from '../../../sfu-server/src/auth/policy';
import type { Peer } from '../../../sfu-server/src/media/peer';
import type { Room } from '../../../sfu-server/src/media/room';
import { PointsWatch } from '../../../sfu-server/src/points/points-watch';

type Status = ResponseData<'points.status'>;

const status = (connected: number): Status => ({ diagnostics: true, points: [], counts: { invited: 3, connected, picture: 0, sound: 0 } });

function fakePeer(id: string) {
  const pushed: unknown[] = [];
  const peer = { id, notify: (name: string, data: unknown) => name === 'pointsStatus' && pushed.push(data) } as unknown as Peer;
  return { peer, pushed };
}

function fakeRoom(peers: Peer[]) {
  const map = new Map(peers.map((p) => [p.id, p]));
  return { room: { closed: false, peers: map } as unknown as Room, map };
}

const actor = { id: 'chair' } as unknown as Actor;

describe('PointsWatch', () => {
  it('pushes a watcher its status only when it changed, and stops when it leaves', async () => {
    let connected = 1;
    const watch = new PointsWatch({ status: async () => status(connected) }, 60_000);
    const a = fakePeer('a');
    const { room, map } = fakeRoom([a.peer]);
    expect(await watch.watch(actor, room, a.peer)).toEqual(status(1));
    await watch.sweep();
    expect(a.pushed).toEqual([]); // nothing changed since the answer
    connected = 2;
    await watch.sweep();
    await watch.sweep();
    expect(a.pushed).toEqual([status(2)]); // once per change
    map.delete('a');
    connected = 3;
    await watch.sweep();
    expect(a.pushed).toHaveLength(1);
    expect(watch.watching).toBe(0);
    watch.close();
  });

  it('drops a watcher that may no longer see the meeting', async () => {
    let allowed = true;
    const watch = new PointsWatch({ status: async () => (allowed ? status(1) : Promise.reject(new Error('forbidden'))) }, 60_000);
    const a = fakePeer('a');
    const { room } = fakeRoom([a.peer]);
    await watch.watch(actor, room, a.peer);
    allowed = false;
    await watch.sweep();
    expect(watch.watching).toBe(0);
    expect(a.pushed).toEqual([]);
    watch.close();
  });

  it('sweeps by itself every interval while someone watches', async () => {
    let connected = 0;
    const watch = new PointsWatch({ status: async () => status(connected) }, 20);
    const a = fakePeer('a');
    const { room } = fakeRoom([a.peer]);
    await watch.watch(actor, room, a.peer);
    connected = 1;
    await expect.poll(() => a.pushed.length, { timeout: 2_000 }).toBe(1);
    watch.close();
  });
});
