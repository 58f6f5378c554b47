/** A server's drain (cluster/drain.ts): its participants told to move in batches, joins turned away, a stale heartbeat ignored. */
import { describe, expect, it } from 'vitest';
import { Drain, DRAIN_CLOSE_CODE } from '../../sfu-server/src/cluster/drain';
import type { ConferenceContext } from '../../sfu-server/src/media/conference-handlers';
import { createLogger } from '../../sfu-server/src/observability/logger';

function contexts(n: number) {
  const closed: number[] = [];
  const list: ConferenceContext[] = Array.from({ length: n }, (_, i) => {
    const ctx = { peer: {}, notify: () => undefined, disconnect: (code?: number) => {
      closed.push(code ?? 0);
      list.splice(list.indexOf(ctx), 1);
    } } as unknown as ConferenceContext;
    return ctx;
  });
  // One connection not in a meeting (a page watching the meetings list) is left alone.
  const watcher = { notify: () => undefined, disconnect: () => closed.push(-1) } as unknown as ConferenceContext;
  return { list, all: () => [...list, watcher], closed };
}

describe('drain', () => {
  it('moves every participant in batches with 4011 and turns joins away; not the watchers', async () => {
    const c = contexts(5);
    const drain = new Drain({ contexts: c.all, logger: createLogger('silent'), batch: 2, pauseMs: 10 });
    drain.update(true);
    expect(c.closed).toEqual([DRAIN_CLOSE_CODE, DRAIN_CLOSE_CODE]);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.closed).toEqual(Array(5).fill(DRAIN_CLOSE_CODE));
    expect(drain.moved).toBe(5);
    const late = contexts(1);
    drain.turnAway(late.list[0]!);
    expect(late.closed).toEqual([DRAIN_CLOSE_CODE]);
  });

  it('a heartbeat sent before an admin’s drain reached this server does not undo it; a later one does', () => {
    const drain = new Drain({ contexts: () => [], logger: createLogger('silent') });
    const before = Date.now() - 500;
    drain.update(true);
    drain.update(false, before);
    expect(drain.draining).toBe(true);
    drain.update(false, Date.now() + 1);
    expect(drain.draining).toBe(false);
  });
});
