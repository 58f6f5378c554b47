// @vitest-environment happy-dom
/**
 * A new link sample (every 2 s) re-renders the indicator's bars, not its Mantine Popover: the
 * Popover rebuilds its floating-ui middlewares on every render, open or closed, which was the
 * largest item of the app's own script left in the room-render bench's profile (the link changes
 * often on a loaded machine). The bars and the label still follow every sample.
 */
import { MantineProvider } from '@mantine/core';
import { act, createElement, Profiler, type ComponentProps } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConferenceEngine } from '../../../renderer/src/features/conference/conference-engine';
import { createConferenceStore, type LinkView } from '../../../renderer/src/features/conference/conference-store';

let popoverRenders = 0;
vi.mock('@mantine/core', async (importOriginal) => {
  const mantine = await importOriginal<typeof import('@mantine/core')>();
  const Counted = (props: ComponentProps<typeof mantine.Popover>) => {
    popoverRenders++;
    return createElement(mantine.Popover, props);
  };
  return { ...mantine, Popover: Object.assign(Counted, { Target: mantine.Popover.Target, Dropdown: mantine.Popover.Dropdown }) };
});

const { LinkIndicator } = await import('../../../renderer/src/features/conference/link/LinkIndicator');
const { FallbackBanner } = await import('../../../renderer/src/features/conference/link/FallbackBanner');

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const link = (bars: 1 | 2 | 3 | 4, quality: LinkView['quality']): LinkView => ({
  sendBars: bars,
  recvBars: 4,
  quality,
  suggestion: null,
  lossPercent: 0,
  rttMs: 40,
  availableSendKbps: 900,
});

let root: Root | null = null;
afterEach(() => {
  const r = root;
  root = null;
  if (r) act(() => r.unmount());
});

describe('LinkIndicator', () => {
  it('follows each link sample without re-rendering its popover', async () => {
    const store = createConferenceStore();
    store.setState({ status: 'joined', link: link(4, 'good') });
    const engine = { store } as unknown as ConferenceEngine;
    const host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    await act(async () => root!.render(createElement(MantineProvider, null, createElement(LinkIndicator, { engine }))));
    const button = () => host.querySelector('[data-testid="link-indicator"]')!;
    const sendBars = () => host.querySelector('svg')!.getAttribute('data-bars');
    expect(button().getAttribute('data-quality')).toBe('good');
    expect(sendBars()).toBe('4');
    const before = popoverRenders;

    await act(async () => store.setState({ link: link(2, 'fair') }));
    await act(async () => store.setState({ link: link(1, 'poor') }));
    expect(button().getAttribute('data-quality')).toBe('poor');
    expect(sendBars()).toBe('1');
    expect(popoverRenders - before).toBe(0);

    // The button still opens the details (Popover.Target's handlers reach the inner button).
    await act(async () => (button() as HTMLButtonElement).click());
    expect(document.querySelector('[data-testid="link-details"]')?.textContent).toContain('link.rtt'); // no i18n instance here: the keys are shown

    // Gone (left the room): the indicator goes too.
    await act(async () => store.setState({ link: null }));
    expect(button()).toBeNull();
  });
});

describe('FallbackBanner', () => {
  it('is not re-rendered by link samples that do not change whether the link is poor', async () => {
    const store = createConferenceStore();
    store.setState({ status: 'joined', link: link(4, 'good') });
    const engine = { store } as unknown as ConferenceEngine;
    const host = document.createElement('div');
    root = createRoot(host);
    let renders = 0;
    const tree = createElement(Profiler, { id: 'banner', onRender: () => void renders++ }, createElement(FallbackBanner, { engine }));
    await act(async () => root!.render(createElement(MantineProvider, null, tree)));
    const before = renders;
    await act(async () => store.setState({ link: link(3, 'good') }));
    await act(async () => store.setState({ link: link(2, 'fair') }));
    expect(renders - before).toBe(0);
    // Held at full quality by the user's click while the link turns poor: the notice shows.
    await act(async () => store.setState({ fallback: { level: 0, since: null, holdUntil: Date.now() + 60_000 } }));
    await act(async () => store.setState({ link: link(1, 'poor') }));
    expect(host.querySelector('[data-testid="fallback-held"]')).not.toBeNull();
  });
});
