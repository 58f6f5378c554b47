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

/** A signing certificate on a PKCS#11 token (USB token). */
export interface TokenCertificate {
  /** Opaque handle for signWithToken. */
  id: string;
  tokenLabel: string;
  label: string;
  /** Common names of the subject and the issuer. */
  subject: string;
  issuer: string;
  notAfter: string;
  /** DER, base64: the certificate, then the issuers found on the token. */
  certificate: string;
  chain: string[];
}

export type TokenSignError = 'pin_incorrect' | 'pin_locked' | 'not_found' | 'token_error' | 'unavailable';

export type TokenSignResult = { ok: true; signature: string } | { ok: false; error: TokenSignError; message: string };

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
  /** Signing certificates on the connected PKCS#11 tokens. */
  listTokenCertificates(): Promise<TokenCertificate[]>;
  /** Signs `data` (base64: the DER of the CMS signed attributes) on the token; the key never leaves it. */
  signWithToken(certificateId: string, pin: string, data: string): Promise<TokenSignResult>;
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
  listTokenCertificates: 'phonghop:list-token-certificates',
  signWithToken: 'phonghop:sign-with-token',
} as const;
