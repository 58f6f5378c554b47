// @vitest-environment happy-dom
/** The hash router's blocker: while the live room blocks leaving, links, the back button and navigate() ask instead of going. */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

type Router = typeof import('../../../renderer/src/shared/router');
let router: Router;

/** The hashchange that a link, the address bar or the back button causes. */
async function userGoesTo(path: string): Promise<void> {
  window.location.hash = `#${path}`;
  await new Promise<void>((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  window.location.hash = '#/meetings/m1/join';
  // The router reads the hash when it is loaded, as in the app.
  router = await import('../../../renderer/src/shared/router');
});

let unblock: (() => void) | null = null;
afterEach(async () => {
  unblock?.();
  unblock = null;
  router.navigate('/meetings/m1/join', { replace: true, force: true });
});

describe('shared/router blockNavigation', () => {
  it('without a blocker, a hash change is the page shown', async () => {
    await userGoesTo('/meetings');
    expect(router.currentPath()).toBe('/meetings');
  });

  it('with a blocker, a link or the back button does not change the page; the room is asked with where the user wanted to go', async () => {
    const ask = vi.fn();
    unblock = router.blockNavigation(ask);
    await userGoesTo('/meetings/m1');
    expect(ask).toHaveBeenCalledWith('/meetings/m1');
    expect(router.currentPath()).toBe('/meetings/m1/join');
    // The address is put back too, so what the bar shows is the page shown.
    expect(window.location.hash).toBe('#/meetings/m1/join');
  });

  it('with a blocker, navigate() asks instead of going, unless forced (the user confirmed)', async () => {
    const ask = vi.fn();
    unblock = router.blockNavigation(ask);
    router.navigate({ name: 'meetings' });
    await new Promise((r) => setTimeout(r, 20));
    expect(ask).toHaveBeenCalledWith('/meetings');
    expect(router.currentPath()).toBe('/meetings/m1/join');

    router.navigate({ name: 'meetings' }, { force: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(router.currentPath()).toBe('/meetings');
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('a re-render follows only the changes that were made (usePath subscribers are not told of a blocked one)', async () => {
    const { renderHook } = await import('@testing-library/react');
    const { result } = renderHook(() => router.usePath());
    expect(result.current).toBe('/meetings/m1/join');
    unblock = router.blockNavigation(() => undefined);
    await userGoesTo('/admin/units');
    expect(result.current).toBe('/meetings/m1/join');
    unblock();
    unblock = null;
    await userGoesTo('/admin/units');
    await vi.waitFor(() => expect(result.current).toBe('/admin/units'));
  });

  it('once unblocked, navigation goes as before', async () => {
    const ask = vi.fn();
    router.blockNavigation(ask)();
    await userGoesTo('/meetings');
    expect(router.currentPath()).toBe('/meetings');
    expect(ask).not.toHaveBeenCalled();
  });
});
