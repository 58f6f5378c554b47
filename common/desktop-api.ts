/**
 * The contract between the Electron preload and the renderer: the only things the renderer may ask
 * of the desktop. The preload exposes it as `window.phonghop`; in a browser the renderer uses a web
 * fallback, and browser tests install a typed fake.
 */
export interface ScreenSource {
  id: string;
  name: string;
  /** PNG data URL of a thumbnail. */
  thumbnail: string;
  kind: 'screen' | 'window';
}

export interface DesktopApi {
  readonly platform: 'electron';
  readonly version: string;
  /** The server address chosen once and remembered, or null before the first run. */
  getServerUrl(): Promise<string | null>;
  /** Checks the address answers `/api/health`, stores it and loads the server's client. */
  setServerUrl(url: string): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Forgets the server address and returns to the set-up screen. */
  resetServerUrl(): Promise<void>;
  /** Screens and windows for the screen-share picker. */
  listScreenSources(): Promise<ScreenSource[]>;
  /** The source chosen in the picker, used by the next getDisplayMedia call. */
  selectScreenSource(id: string): Promise<void>;
  /** A secret kept in the OS secure storage (safeStorage), e.g. the session token. */
  getSecret(key: string): Promise<string | null>;
  setSecret(key: string, value: string | null): Promise<void>;
}

declare global {
  interface Window {
    phonghop?: DesktopApi;
  }
}

export const DESKTOP_IPC = {
  getServerUrl: 'phonghop:get-server-url',
  setServerUrl: 'phonghop:set-server-url',
  resetServerUrl: 'phonghop:reset-server-url',
  listScreenSources: 'phonghop:list-screen-sources',
  selectScreenSource: 'phonghop:select-screen-source',
  getSecret: 'phonghop:get-secret',
  setSecret: 'phonghop:set-secret',
} as const;
