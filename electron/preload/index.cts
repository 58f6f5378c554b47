/**
 * Sandboxed preload: exposes `window.phonghop` (the DesktopApi of common/desktop-api.ts) and nothing
 * else. Each method is one `ipcRenderer.invoke` on its DESKTOP_IPC channel; the main process checks
 * the sender and the arguments.
 *
 * CommonJS on purpose (`.cts` → `index.cjs`): a sandboxed preload is run as a plain script with a
 * reduced `require` that knows 'electron' and a few built-ins, never sibling files. Hence the channel
 * names are repeated below; the `typeof DESKTOP_IPC` annotation makes tsc reject any drift from the
 * contract, and a unit test compares the values.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { DESKTOP_IPC, DesktopApi, DeviceSignResult, P12OpenResult, ScreenSource, SignPreparedRequest, TokenCertificate } from '../../common/desktop-api.js';

const IPC: typeof DESKTOP_IPC = {
  getServerUrl: 'phonghop:get-server-url',
  setServerUrl: 'phonghop:set-server-url',
  resetServerUrl: 'phonghop:reset-server-url',
  listScreenSources: 'phonghop:list-screen-sources',
  selectScreenSource: 'phonghop:select-screen-source',
  getSecret: 'phonghop:get-secret',
  setSecret: 'phonghop:set-secret',
  listTokenCertificates: 'phonghop:list-token-certificates',
  openP12File: 'phonghop:open-p12-file',
  signPreparedDocument: 'phonghop:sign-prepared-document',
  setMeetingLive: 'phonghop:set-meeting-live',
};

/** Must equal APP_VERSION_ARGUMENT_PREFIX in electron/main/window.ts (checked by a unit test). */
const APP_VERSION_ARGUMENT_PREFIX = '--phonghop-app-version=';

function appVersion(): string {
  const argument = process.argv.find((value) => value.startsWith(APP_VERSION_ARGUMENT_PREFIX));
  const version = argument === undefined ? '' : argument.slice(APP_VERSION_ARGUMENT_PREFIX.length);
  return /^[0-9A-Za-z.+-]{1,64}$/.test(version) ? version : '0.0.0';
}

const api: DesktopApi = {
  platform: 'electron',
  version: appVersion(),
  getServerUrl: () => ipcRenderer.invoke(IPC.getServerUrl) as Promise<string | null>,
  setServerUrl: (url: string) =>
    ipcRenderer.invoke(IPC.setServerUrl, url) as Promise<{ ok: true } | { ok: false; error: string }>,
  resetServerUrl: () => ipcRenderer.invoke(IPC.resetServerUrl) as Promise<void>,
  listScreenSources: () => ipcRenderer.invoke(IPC.listScreenSources) as Promise<ScreenSource[]>,
  selectScreenSource: (id: string) => ipcRenderer.invoke(IPC.selectScreenSource, id) as Promise<void>,
  getSecret: (key: string) => ipcRenderer.invoke(IPC.getSecret, key) as Promise<string | null>,
  setSecret: (key: string, value: string | null) => ipcRenderer.invoke(IPC.setSecret, key, value) as Promise<void>,
  listTokenCertificates: () => ipcRenderer.invoke(IPC.listTokenCertificates) as Promise<TokenCertificate[]>,
  openP12File: () => ipcRenderer.invoke(IPC.openP12File) as Promise<P12OpenResult>,
  signPreparedDocument: (request: SignPreparedRequest) => ipcRenderer.invoke(IPC.signPreparedDocument, request) as Promise<DeviceSignResult>,
  setMeetingLive: (live: boolean, language: 'vi' | 'en') => ipcRenderer.invoke(IPC.setMeetingLive, live, language) as Promise<void>,
};

contextBridge.exposeInMainWorld('phonghop', Object.freeze(api));
