/**
 * The desktop API as the renderer sees it: the Electron preload's `window.phonghop` when present,
 * otherwise the web fallback (the page's own origin is the server).
 */
import type { DesktopApi } from '../../../common/desktop-api';

export function desktopApi(): DesktopApi | undefined {
  return typeof window !== 'undefined' ? window.phonghop : undefined;
}

export const isDesktop = (): boolean => desktopApi() !== undefined;

/** The server this client talks to: in a browser the page's origin, in Electron the stored address. */
export async function serverUrl(): Promise<string | null> {
  const api = desktopApi();
  if (!api) return window.location.origin;
  // In Electron the server's own client is loaded from the server: its origin is the server.
  if (window.location.protocol === 'http:' || window.location.protocol === 'https:') return window.location.origin;
  return api.getServerUrl();
}

export function signalingUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/ws';
  url.search = '';
  return url.toString();
}
