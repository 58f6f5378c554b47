/**
 * Registers the service worker (service-worker.ts) in the built web client served over http(s):
 * not in development, and not on the desktop app's file:// set-up screen.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !/^https?:$/.test(window.location.protocol)) return;
  navigator.serviceWorker.register('./sw.js').catch((err: unknown) => console.warn('the offline copy of the app is not available', err));
}
