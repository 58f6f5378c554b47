/**
 * Where a participant's media goes: which of its room's routers, or a new router on which worker.
 * Pure, so the rule is unit-tested apart from mediasoup.
 *
 * Fill then spill: a room's routers are filled in the order they were made, up to
 * `maxPeersPerRouter` each; when all are full, a new router is made on the least-loaded living
 * worker that holds none of this room's routers yet (so one session can use every core). With no
 * such worker, the least-full router takes the peer anyway: a crowded router is better than a
 * refused participant.
 */

export interface RouterLoad {
  id: string;
  workerIndex: number;
  peers: number;
}

export interface WorkerLoad {
  index: number;
  alive: boolean;
  /** Routers (of all rooms) on this worker now. */
  routers: number;
  /** Participants placed on this worker's routers now (all rooms). */
  peers: number;
}

export type Placement = { router: string } | { newRouterOn: number };

export function placePeer(routers: readonly RouterLoad[], workers: readonly WorkerLoad[], maxPeersPerRouter: number): Placement {
  const open = routers.find((r) => r.peers < maxPeersPerRouter);
  if (open) return { router: open.id };
  const worker = leastLoadedWorker(workers, new Set(routers.map((r) => r.workerIndex)));
  if (worker !== undefined) return { newRouterOn: worker };
  const leastFull = [...routers].sort((a, b) => a.peers - b.peers)[0];
  if (leastFull) return { router: leastFull.id };
  throw new Error('no mediasoup worker is running');
}

/**
 * The living worker with the fewest participants (then fewest routers, then lowest index) outside
 * `avoid`; undefined when there is none. (A second router of one room on the same worker would
 * only add piping: the work would stay on that core.)
 */
export function leastLoadedWorker(workers: readonly WorkerLoad[], avoid: ReadonlySet<number> = new Set()): number | undefined {
  const order = (a: WorkerLoad, b: WorkerLoad) => a.peers - b.peers || a.routers - b.routers || a.index - b.index;
  return workers.filter((w) => w.alive && !avoid.has(w.index)).sort(order)[0]?.index;
}
