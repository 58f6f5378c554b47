/**
 * The web client's service worker: keeps the app itself on the device so that it starts with no
 * network (the meeting pack, the PDFs and the annotations are kept by the app in IndexedDB).
 *
 * - Opening the app (a navigation): the network first, so an updated server is used at once; the
 *   last copy of index.html when the network is down.
 * - The app's files (`assets/`, hashed names, and pdf.js's `pdfjs/` files): from the device once
 *   fetched, since a hashed name never changes content. At install, index.html and the files it
 *   names are fetched, so the first visit already leaves a working copy.
 * - Files the page fetched before this worker controlled it (the first visit: it is installed
 *   while the app loads, and the meeting and room pages are fetched ahead right after login) went
 *   past it; the page sends their addresses once it is controlled (`keep`, offline/register.ts)
 *   and the worker keeps those of the app's folders, from the browser's HTTP cache.
 * - Everything else (the API, signaling, collaboration, other origins) is not touched.
 *
 * Built by Vite as its own entry (`sw.js` at the root of the client). The DOM typings lack the
 * service worker's events, so the few used here are declared below.
 */
export {};

interface LifecycleEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends LifecycleEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface MessageEventLike extends LifecycleEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface ServiceWorkerScope {
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: LifecycleEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
}

const sw = self as unknown as ServiceWorkerScope;
/** Bump when the caching rules change: older caches are deleted at activation. */
const CACHE = 'phonghop-app-v1';
const scope = new URL(sw.registration.scope);
const indexUrl = new URL('./', scope).toString();
const CACHED_FOLDERS = ['assets/', 'pdfjs/'].map((f) => new URL(f, scope).pathname);
const NEVER = ['api/', 'ws', 'collab/'].map((f) => new URL(f, scope).pathname);

/** The files index.html names (its script, styles, icon), relative to the scope. */
function filesNamedBy(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="(\.\/[^"#?]+)"/g)) out.add(new URL(m[1]!, scope).toString());
  return [...out];
}

async function cacheShell(): Promise<void> {
  const cache = await caches.open(CACHE);
  const res = await fetch(indexUrl, { cache: 'no-cache' });
  if (!res.ok) return;
  const html = await res.clone().text();
  await cache.put(indexUrl, res);
  await cache.addAll(filesNamedBy(html));
}

async function networkFirstIndex(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(indexUrl, res.clone());
    return res;
  } catch (err) {
    const cached = await cache.match(indexUrl);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok && res.type === 'basic') await cache.put(request, res.clone());
  return res;
}

/** Whether `url` is one of the app's own files this worker keeps (the page's word is not trusted for more). */
function isAppFile(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return u.origin === scope.origin && CACHED_FOLDERS.some((p) => u.pathname.startsWith(p));
  } catch {
    return false;
  }
}

/** Keeps the app files the page fetched before this worker controlled it; one at a time, each on its own. */
async function keepLoaded(urls: string[]): Promise<void> {
  const cache = await caches.open(CACHE);
  for (const url of urls) {
    try {
      if (await cache.match(url)) continue;
      const res = await fetch(url);
      if (res.ok && res.type === 'basic') await cache.put(url, res);
    } catch {
      // Not reachable now: kept when the page fetches it again through this worker.
    }
  }
}

sw.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown; urls?: unknown } | null;
  if (data?.type !== 'keep' || !Array.isArray(data.urls)) return;
  // The page may wait for the answer (keepLoadedFilesOffline): it comes when all were tried.
  event.waitUntil(keepLoaded([...new Set(data.urls.filter(isAppFile))].slice(0, 500)).finally(() => event.ports[0]?.postMessage('kept')));
});

sw.addEventListener('install', (event) => {
  // A failure here (server unreachable) leaves the worker to cache as the app is used.
  event.waitUntil(cacheShell().catch(() => undefined).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('phonghop-app-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || NEVER.some((p) => url.pathname.startsWith(p))) return;
  if (request.mode === 'navigate') event.respondWith(networkFirstIndex(request));
  else if (CACHED_FOLDERS.some((p) => url.pathname.startsWith(p))) event.respondWith(cacheFirst(request));
});
