/** The offline state the global banner shows: since when the server is unreachable, kept data, the probe that notices its return. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connectivity } from '../../../renderer/src/offline/connectivity';

afterEach(() => vi.useRealTimers());

describe('Connectivity', () => {
  it('remembers the first failure as "since", until a request reaches the server', () => {
    let now = new Date('2026-12-06T16:05:00Z');
    const c = new Connectivity(() => now);
    const seen: (string | null)[] = [];
    c.subscribe(() => seen.push(c.getView().offlineSince));
    c.unreachable();
    now = new Date('2026-12-06T16:09:00Z');
    c.unreachable();
    expect(c.getView().offlineSince).toBe('2026-12-06T16:05:00.000Z');
    c.reached();
    expect(c.getView()).toEqual({ offlineSince: null, showingKept: null });
    expect(seen).toEqual(['2026-12-06T16:05:00.000Z', null]);
  });

  it('keeps the oldest known time of the kept data shown', () => {
    const c = new Connectivity();
    c.showingKept(null);
    expect(c.getView().showingKept).toEqual({ keptAt: null });
    c.showingKept('2026-12-06T10:00:00Z');
    c.showingKept('2026-12-06T12:00:00Z');
    expect(c.getView().showingKept).toEqual({ keptAt: '2026-12-06T10:00:00Z' });
  });

  it('probes while unreachable and clears itself when the server answers', async () => {
    vi.useFakeTimers();
    const c = new Connectivity(() => new Date(), 1000);
    let up = false;
    const probe = vi.fn(async () => up);
    c.setProbe(probe);
    c.unreachable();
    await vi.advanceTimersByTimeAsync(2500);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(c.getView().offlineSince).not.toBeNull();
    up = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.getView().offlineSince).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(probe).toHaveBeenCalledTimes(3);
  });
});
