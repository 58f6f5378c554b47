/**
 * Hash-based routing (`#/meetings/…`): the same build works when served by the server and when
 * Electron loads the bundled file. A route is a plain value parsed from `location.hash`.
 *
 * A page may block leaving it (`blockNavigation`, the live room): a link, the browser's back button
 * or `navigate()` then do not change the page shown; the page is asked instead, and goes on with
 * `navigate(to, { force: true })` once the user has confirmed.
 */
import { useSyncExternalStore } from 'react';

export type AdminSection = 'units' | 'accounts' | 'signing';

export type Route =
  | { name: 'login' }
  | { name: 'setup' }
  | { name: 'meetings' }
  | { name: 'meeting'; id: string }
  | { name: 'join'; id: string }
  | { name: 'admin'; section: AdminSection }
  | { name: 'notFound'; path: string };

/** The path part of the hash, always starting with '/'. */
function hashPath(): string {
  const raw = window.location.hash.replace(/^#/, '');
  return raw.startsWith('/') ? raw : `/${raw}`;
}

/** The path of the page shown (the hash, unless a blocked change was undone). */
let shown = typeof window !== 'undefined' ? hashPath() : '/';
const listeners = new Set<() => void>();
let blocker: ((to: string) => void) | null = null;
/** A path `navigate(…, { force })` is going to: not blocked when its hashchange arrives. */
let forced: string | null = null;

/**
 * Each history entry the app has shown carries its position (`phIndex` in history.state), so a
 * blocked change can be undone the way it came: a new entry (a link, `location.hash`) by going back
 * to the page shown, the back or forward button by going the other way. Putting the old hash back
 * into the new entry instead would leave two entries of the room, and the next "back" would seem to
 * do nothing.
 */
type EntryState = { phIndex?: number } | null;
const entryIndex = (): number | undefined => (window.history.state as EntryState)?.phIndex;
let shownIndex = 0;
function markEntry(index: number): void {
  window.history.replaceState({ ...((window.history.state as object | null) ?? {}), phIndex: index }, '', window.location.href);
  shownIndex = index;
}

function onHashChange(): void {
  const next = hashPath();
  const index = entryIndex();
  if (next === shown) {
    if (index !== undefined) shownIndex = index;
    return;
  }
  if (blocker && next !== forced) {
    // Undo the change (its hashchange comes back with the shown path and is ignored), then ask.
    if (index !== undefined && index > shownIndex) window.history.back();
    else if (index !== undefined && index < shownIndex) window.history.forward();
    else if (index === undefined) window.history.back();
    else window.history.replaceState(window.history.state, '', `#${shown}`);
    blocker(next);
    return;
  }
  forced = null;
  shown = next;
  markEntry(index ?? shownIndex + 1);
  for (const listener of [...listeners]) listener();
}
if (typeof window !== 'undefined') {
  if (entryIndex() === undefined) markEntry(0);
  else shownIndex = entryIndex()!;
  window.addEventListener('hashchange', onHashChange);
}

/** The path part of the hash, always starting with '/'. */
export function currentPath(): string {
  return shown;
}

/**
 * Until the returned function is called, changes of route are not made: `ask(to)` is called with
 * the path the user wanted. One blocker at a time (the last one set).
 */
export function blockNavigation(ask: (to: string) => void): () => void {
  blocker = ask;
  return () => {
    if (blocker === ask) blocker = null;
  };
}

export function parseRoute(path: string): Route {
  const parts = path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { name: 'meetings' };
  if (first === 'login' && parts.length === 1) return { name: 'login' };
  if (first === 'setup' && parts.length === 1) return { name: 'setup' };
  if (first === 'meetings') {
    if (parts.length === 1) return { name: 'meetings' };
    if (second && parts.length === 2) return { name: 'meeting', id: second };
    if (second && third === 'join' && parts.length === 3) return { name: 'join', id: second };
  }
  if (first === 'admin') {
    if (parts.length === 1 || second === 'units') return { name: 'admin', section: 'units' };
    if (second === 'accounts') return { name: 'admin', section: 'accounts' };
    if (second === 'signing') return { name: 'admin', section: 'signing' };
  }
  return { name: 'notFound', path };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case 'login':
      return '/login';
    case 'setup':
      return '/setup';
    case 'meetings':
      return '/meetings';
    case 'meeting':
      return `/meetings/${encodeURIComponent(route.id)}`;
    case 'join':
      return `/meetings/${encodeURIComponent(route.id)}/join`;
    case 'admin':
      return `/admin/${route.section}`;
    case 'notFound':
      return route.path;
  }
}

/** `#/…` for an anchor's href. */
export const href = (route: Route): string => `#${pathOf(route)}`;

/** `force`: go even while a page blocks leaving (the user confirmed, or the session ended). */
export function navigate(target: Route | string, opts: { replace?: boolean; force?: boolean } = {}): void {
  const path = typeof target === 'string' ? target : pathOf(target);
  if (currentPath() === path) return;
  if (blocker && !opts.force) {
    blocker(path);
    return;
  }
  if (opts.force) forced = path;
  if (opts.replace) {
    window.history.replaceState(window.history.state, '', `#${path}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = path;
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current path; re-renders on every hash change. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}
