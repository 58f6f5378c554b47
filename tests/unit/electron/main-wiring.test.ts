/**
 * electron/main/index.ts wired against a recording stand-in for 'electron' (the real module is never
 * loaded: without its binary it would try to download it).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DESKTOP_IPC } from '../../../common/desktop-api.js';
import { PROMPT_IPC } from '../../../electron/main/signing-prompt.js';

import { createFakeElectron, type FakeRecord } from '../../electron/fixtures/fake-electron.mjs';

const SERVER = 'http://127.0.0.1:45678';
let root: string;
let appPath: string;
let userDataPath: string;

beforeEach(async () => {
  vi.resetModules();
  root = await mkdtemp(path.join(tmpdir(), 'phonghop-main-'));
  appPath = path.join(root, 'app');
  userDataPath = path.join(root, 'user data');
  await mkdir(appPath, { recursive: true });
  globalThis.__PHONGHOP_FAKE_ELECTRON__ = {
    appPath,
    userDataPath,
    fetch: async (url) => ({ ok: true, status: 200, url, text: async () => '{"status":"ok"}' }),
  };
});

afterEach(async () => {
  vi.doUnmock('electron');
  globalThis.__PHONGHOP_FAKE_ELECTRON__ = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Imports a fresh copy of the main module against a fresh stand-in for 'electron'. */
async function startMain(): Promise<{ fake: FakeRecord; ready: boolean }> {
  const electron = createFakeElectron();
  vi.doMock('electron', () => ({ ...electron, default: electron }));
  const { mainProcessReady } = await import('../../../electron/main/index.js');
  return { fake: electron.fake, ready: await mainProcessReady };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function navigationEvent(url: string) {
  return { url, prevented: false, preventDefault() { this.prevented = true; } };
}

describe('main process wiring', () => {
  it('first run: secure window on the setup page, then the server after setServerUrl', async () => {
    const { fake, ready } = await startMain();
    expect(ready).toBe(true);
    expect(fake.sandboxEnabled).toBe(true);
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;

    // Secure window.
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      additionalArguments: ['--phonghop-app-version=1.2.3'],
    });
    expect(win.options.webPreferences.preload).toMatch(/electron[\\/]preload[\\/]index\.cjs$/);
    expect(win.options.show).toBe(false);

    // First run: the bundled setup page.
    const setupFile = path.join(appPath, 'renderer', 'dist', 'index.html');
    expect(win.loads).toEqual([{ kind: 'file', target: setupFile, options: { hash: '/setup' } }]);
    // The page's channels, and the signing prompt's (which answer only a prompt window).
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([...Object.values(DESKTOP_IPC), ...Object.values(PROMPT_IPC)].sort());

    // Before a server is configured: nothing is granted, CSP connects to self only.
    const ses = fake.session;
    expect(ses.permissionCheckHandler!(win.webContents, 'media', SERVER, { isMainFrame: true })).toBe(false);
    let headers: { responseHeaders?: Record<string, string[]> } = {};
    ses.headersReceived!({ url: pathToFileURL(setupFile).href, responseHeaders: {} }, (r: typeof headers) => (headers = r));
    expect(headers.responseHeaders!['Content-Security-Policy']![0]).toContain("connect-src 'self';");

    // The setup page stores the server address.
    const setupFrame = { url: `${pathToFileURL(setupFile).href}#/setup`, parent: null };
    const invoke = (frame: unknown, channel: string, ...args: unknown[]) => fake.ipcHandlers.get(channel)!({ senderFrame: frame }, ...args);
    expect(await invoke(setupFrame, DESKTOP_IPC.getServerUrl)).toBeNull();
    expect(await invoke(setupFrame, DESKTOP_IPC.setServerUrl, `${SERVER}/`)).toEqual({ ok: true });
    expect(fake.fetchCalls).toEqual([`${SERVER}/api/health`]);
    await tick();
    expect(win.loads.at(-1)).toEqual({ kind: 'url', target: `${SERVER}/` });
    const saved = JSON.parse(await readFile(path.join(userDataPath, 'settings.json'), 'utf8'));
    expect(saved.serverUrl).toBe(SERVER);

    // Permissions: media and display-capture for the server only.
    expect(ses.permissionCheckHandler!(win.webContents, 'media', SERVER, { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(ses.permissionCheckHandler!(win.webContents, 'media', 'https://evil.vn', { isMainFrame: true })).toBe(false);
    expect(ses.permissionCheckHandler!(win.webContents, 'notifications', SERVER, { isMainFrame: true })).toBe(false);
    const granted: boolean[] = [];
    ses.permissionRequestHandler!(win.webContents, 'media', (ok: boolean) => granted.push(ok), {
      requestingUrl: `${SERVER}/room/1`,
      isMainFrame: true,
      mediaTypes: ['audio', 'video'],
      securityOrigin: `${SERVER}/`,
    });
    ses.permissionRequestHandler!(win.webContents, 'geolocation', (ok: boolean) => granted.push(ok), {
      requestingUrl: `${SERVER}/`,
      isMainFrame: true,
    });
    expect(granted).toEqual([true, false]);
    expect(ses.devicePermissionHandler!({})).toBe(false);

    // CSP on the server's responses, with its WebSocket origin.
    ses.headersReceived!({ url: `${SERVER}/`, responseHeaders: { 'content-type': ['text/html'] } }, (r: typeof headers) => (headers = r));
    expect(headers.responseHeaders!['Content-Security-Policy']![0]).toContain("connect-src 'self' ws://127.0.0.1:45678;");
    ses.headersReceived!({ url: 'https://elsewhere.vn/x.js', responseHeaders: {} }, (r: typeof headers) => (headers = r));
    expect(headers).toEqual({});

    // Navigation, new windows, webviews.
    const away = navigationEvent('https://evil.vn/');
    win.webContents.emit('will-navigate', away);
    expect(away.prevented).toBe(true);
    const within = navigationEvent(`${SERVER}/room/2`);
    win.webContents.emit('will-navigate', within);
    expect(within.prevented).toBe(false);
    const redirect = navigationEvent('https://sso.elsewhere.vn/login');
    win.webContents.emit('will-redirect', redirect);
    expect(redirect.prevented).toBe(true);
    expect(win.webContents.windowOpenHandler!({ url: 'https://vanban.gov.vn/doc' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler!({ url: 'http://vanban.gov.vn/doc' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.openedExternally).toEqual(['https://vanban.gov.vn/doc']);
    const webview = navigationEvent('');
    win.webContents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);

    // Screen share: list, pick, then getDisplayMedia gets the picked source.
    const serverFrame = { url: `${SERVER}/room/1`, parent: null };
    const listed = (await invoke(serverFrame, DESKTOP_IPC.listScreenSources)) as Array<{ id: string }>;
    expect(listed.map((source) => source.id)).toEqual(['screen:0:0', 'window:42:0']);
    await invoke(serverFrame, DESKTOP_IPC.selectScreenSource, 'window:42:0');
    let streams: unknown = 'not called';
    ses.displayMediaRequestHandler!(
      { frame: serverFrame, securityOrigin: SERVER, videoRequested: true, audioRequested: false, userGesture: true },
      (value: unknown) => (streams = value),
    );
    expect(streams).toEqual({ video: { id: 'window:42:0', name: 'Tài liệu' } });
    expect(ses.displayMediaOptions).toEqual({ useSystemPicker: false });

    // IPC from another origin is refused.
    await expect(invoke({ url: 'https://evil.vn/', parent: null }, DESKTOP_IPC.getServerUrl)).rejects.toThrow(/refused/);

    // Server unreachable later: back to the setup page (which can retry or change the address).
    win.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', `${SERVER}/`, true);
    expect(win.loads.at(-1)).toEqual({ kind: 'file', target: setupFile, options: { hash: '/setup' } });
    win.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', `${SERVER}/`, true);
    expect(win.loads).toHaveLength(3);

    // Reset: forget the server, back to setup, permissions closed again.
    await invoke(serverFrame, DESKTOP_IPC.resetServerUrl);
    await tick();
    expect(win.loads.at(-1)).toEqual({ kind: 'file', target: setupFile, options: { hash: '/setup' } });
    expect(ses.permissionCheckHandler!(win.webContents, 'media', SERVER, { isMainFrame: true })).toBe(false);
  });

  it('later runs load the stored server directly', async () => {
    await mkdir(userDataPath, { recursive: true });
    await writeFile(path.join(userDataPath, 'settings.json'), JSON.stringify({ version: 1, serverUrl: SERVER, secrets: {} }));
    const { fake, ready } = await startMain();
    expect(ready).toBe(true);
    expect(fake.windows[0]!.loads).toEqual([{ kind: 'url', target: `${SERVER}/` }]);
    expect(fake.fetchCalls).toEqual([]);
  });

  it('a second instance quits without a window', async () => {
    globalThis.__PHONGHOP_FAKE_ELECTRON__!.singleInstanceLock = false;
    const { fake, ready } = await startMain();
    expect(ready).toBe(false);
    expect(fake.quitCalled).toBe(true);
    expect(fake.windows).toHaveLength(0);
  });
});
