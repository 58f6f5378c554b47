/**
 * A typed fake of the desktop API (common/desktop-api.ts) for browser tests: what the Electron
 * preload exposes as `window.phonghop`, implemented in the page. It records calls in
 * `window.__desktopCalls` so tests can check what the renderer asked of the desktop.
 */
import type { Page } from '@playwright/test';
import type { DesktopApi } from '../../../common/desktop-api';

/** Installed before any page script runs. Kept self-contained: it is serialised into the page. */
function installFakeDesktop(): void {
  const calls: { method: string; args: unknown[] }[] = [];
  const secrets = new Map<string, string>();
  let serverUrl: string | null = localStorage.getItem('fake-desktop.serverUrl');
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args });
  const api: DesktopApi = {
    platform: 'electron',
    version: '0.0.0-test',
    async getServerUrl() {
      record('getServerUrl');
      return serverUrl;
    },
    async setServerUrl(url: string) {
      record('setServerUrl', url);
      // As the main process does: check /api/health, remember, then load the server's client.
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false as const, error: 'Địa chỉ không hợp lệ' };
      }
      const health = await fetch(new URL('/api/health', parsed)).then((r) => (r.ok ? r.json() : null), () => null);
      if (!health || (health as { status?: string }).status !== 'ok') return { ok: false as const, error: 'Không kết nối được tới máy chủ' };
      serverUrl = parsed.origin;
      localStorage.setItem('fake-desktop.serverUrl', serverUrl);
      window.location.assign(`${serverUrl}/`);
      return { ok: true as const };
    },
    async resetServerUrl() {
      record('resetServerUrl');
      serverUrl = null;
    },
    async listScreenSources() {
      record('listScreenSources');
      // What desktopCapturer lists: screens and windows with PNG thumbnails (drawn here).
      const thumb = (color: string) => {
        const canvas = document.createElement('canvas');
        canvas.width = 160;
        canvas.height = 90;
        const g = canvas.getContext('2d')!;
        g.fillStyle = color;
        g.fillRect(0, 0, 160, 90);
        return canvas.toDataURL('image/png');
      };
      return [
        { id: 'screen:0:0', name: 'Màn hình 1', kind: 'screen' as const, thumbnail: thumb('#1c7ed6') },
        { id: 'window:42:0', name: 'Báo cáo tình hình kinh tế - xã hội.pdf', kind: 'window' as const, thumbnail: thumb('#f08c00') },
      ];
    },
    async selectScreenSource(id: string) {
      record('selectScreenSource', id);
    },
    async getSecret(key: string) {
      record('getSecret', key);
      return secrets.get(key) ?? null;
    },
    async setSecret(key: string, value: string | null) {
      record('setSecret', key, value === null ? null : '<secret>');
      if (value === null) secrets.delete(key);
      else secrets.set(key, value);
    },
    // Signing: answered by the test's "main process" when it exposed one (page.exposeFunction('__fakeDesktopMain')),
    // which runs electron/main/document-signing.ts in Node; otherwise there is no token.
    async listTokenCertificates() {
      record('listTokenCertificates');
      const main = (window as unknown as { __fakeDesktopMain?: (m: string, a: string) => Promise<string> }).__fakeDesktopMain;
      return main ? JSON.parse(await main('listTokenCertificates', '')) : [];
    },
    async openP12File() {
      record('openP12File');
      return { ok: false as const, error: 'cancelled' as const, message: 'no file dialog in browser tests' };
    },
    async signPreparedDocument(request: { documentId: string; preparationId: string }) {
      record('signPreparedDocument', JSON.parse(JSON.stringify(request)));
      const main = (window as unknown as { __fakeDesktopMain?: (m: string, a: string) => Promise<string> }).__fakeDesktopMain;
      if (main) return JSON.parse(await main('signPreparedDocument', JSON.stringify(request)));
      return { ok: false as const, error: 'unavailable' as const, message: 'no token in browser tests' };
    },
    async setMeetingLive(live: boolean, language: 'vi' | 'en') {
      record('setMeetingLive', live, language);
    },
  };
  Object.defineProperty(window, 'phonghop', { value: Object.freeze(api), configurable: false });
  (window as unknown as { __desktopCalls: typeof calls }).__desktopCalls = calls;
}

export async function useFakeDesktop(page: Page): Promise<void> {
  await page.addInitScript(installFakeDesktop);
}

export function desktopCalls(page: Page): Promise<{ method: string; args: unknown[] }[]> {
  return page.evaluate(() => (window as unknown as { __desktopCalls: { method: string; args: unknown[] }[] }).__desktopCalls);
}
