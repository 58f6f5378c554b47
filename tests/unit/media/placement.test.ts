import { describe, expect, it } from 'vitest';
import { leastLoadedWorker, placePeer, type WorkerLoad } from '../../../sfu-server/src/media/placement';

const worker = (index: number, peers = 0, routers = 0, alive = true): WorkerLoad => ({ index, peers, routers, alive });

describe('router placement', () => {
  it('fills the first router with room before opening another', () => {
    const routers = [
      { id: 'r0', workerIndex: 0, peers: 3 },
      { id: 'r1', workerIndex: 1, peers: 1 },
    ];
    expect(placePeer(routers, [worker(0, 3, 1), worker(1, 1, 1)], 4)).toEqual({ router: 'r0' });
    expect(placePeer([{ ...routers[0]!, peers: 4 }, routers[1]!], [worker(0, 4, 1), worker(1, 1, 1)], 4)).toEqual({ router: 'r1' });
  });

  it('spills onto the least-loaded worker that holds none of the room’s routers', () => {
    const routers = [{ id: 'r0', workerIndex: 1, peers: 2 }];
    const workers = [worker(0, 30, 3), worker(1, 2, 1), worker(2, 5, 1), worker(3, 5, 0)];
    // Worker 1 already holds the room; of the others, 2 and 3 have 5 peers, 3 has fewer routers.
    expect(placePeer(routers, workers, 2)).toEqual({ newRouterOn: 3 });
  });

  it('skips dead workers', () => {
    const routers = [{ id: 'r0', workerIndex: 0, peers: 2 }];
    expect(placePeer(routers, [worker(0, 2, 1), worker(1, 0, 0, false), worker(2, 9, 2)], 2)).toEqual({ newRouterOn: 2 });
  });

  it('crowds the least-full router when every worker already holds one of the room’s routers', () => {
    const routers = [
      { id: 'r0', workerIndex: 0, peers: 5 },
      { id: 'r1', workerIndex: 1, peers: 4 },
    ];
    expect(placePeer(routers, [worker(0, 5, 1), worker(1, 4, 1)], 4)).toEqual({ router: 'r1' });
  });

  it('picks the least-loaded living worker for a new room', () => {
    expect(leastLoadedWorker([worker(0, 10, 2), worker(1, 3, 5), worker(2, 3, 1)])).toBe(2);
    expect(leastLoadedWorker([worker(0, 0, 0, false), worker(1, 7, 1)])).toBe(1);
    expect(leastLoadedWorker([worker(0, 0, 0, false)])).toBeUndefined();
  });

  it('spreads 300 points over two workers at a threshold of 150', () => {
    const routers: { id: string; workerIndex: number; peers: number }[] = [{ id: 'r0', workerIndex: 0, peers: 0 }];
    const workers = [worker(0), worker(1)];
    for (let i = 0; i < 300; i++) {
      const choice = placePeer(routers, workers, 150);
      if ('newRouterOn' in choice) {
        routers.push({ id: `r${routers.length}`, workerIndex: choice.newRouterOn, peers: 0 });
        workers[choice.newRouterOn]!.routers++;
      }
      const target = 'router' in choice ? routers.find((r) => r.id === choice.router)! : routers.at(-1)!;
      target.peers++;
      workers[target.workerIndex]!.peers++;
    }
    expect(routers.map((r) => [r.workerIndex, r.peers])).toEqual([
      [0, 150],
      [1, 150],
    ]);
  });
});
