/**
 * Registers the service worker (service-worker.ts) in the built web client served over http(s):
 * not in development, and not on the desktop app's file:// set-up screen.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !/^https?:$/.test(window.location.protocol)) return;
  navigator.serviceWorker.register('./sw.js').catch((err: unknown) => console.warn('the offline copy of the app is not available', err));
  // The first time a worker takes this page over (first visit, or an updated worker), the code the
  // page already fetched (lazy pages fetched ahead, the reader) went past it: tell it what that was.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    navigator.serviceWorker.controller?.postMessage({ type: 'keep', urls: loadedAppFiles() });
  });
}

/**
 * Makes sure the service worker keeps every app file this page has fetched so far, and waits until
 * it has (the offline pack download calls it after fetching the reader's code; the files come
 * from the browser's HTTP cache, so this is quick). False when there is no worker (development,
 * the desktop app's file:// page) or it did not answer within 15 s (a worker of an older build,
 * which does not know the message, until the new one takes over; a file fetched again over a slow
 * link, which the worker goes on keeping).
 */
export async function keepLoadedFilesOffline(): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  const worker = navigator.serviceWorker.controller ?? (await navigator.serviceWorker.getRegistration())?.active;
  if (!worker) return false;
  const channel = new MessageChannel();
  const answered = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve(true);
    };
  });
  worker.postMessage({ type: 'keep', urls: loadedAppFiles() }, [channel.port2]);
  const done = await answered;
  channel.port1.close();
  return done;
}

/** The same-origin scripts, styles and other files this page has fetched so far (the worker keeps those of its folders). */
function loadedAppFiles(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((url) => url.startsWith(`${window.location.origin}/`));
}
