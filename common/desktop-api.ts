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
  /** Opaque handle for signPreparedDocument. */
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

/** Why a signature on the device did not happen. `cancelled`: the user refused in the app's own dialog. */
export type DeviceSignError = TokenSignError | 'cancelled' | 'p12_password' | 'p12_invalid' | 'document_mismatch' | 'server_error';

/** A PKCS#12 file opened in the main process: the key stays there, behind `handle`, for one signature. */
export interface DeviceIdentity {
  handle: string;
  fileName: string;
  subject: string;
  issuer: string;
  notAfter: string;
  /** DER, base64: the signer's certificate, then the others in the file. */
  certificate: string;
  chain: string[];
}

export type P12OpenResult = { ok: true; identity: DeviceIdentity } | { ok: false; error: DeviceSignError; message: string };

export type DeviceSigner = { kind: 'token'; certificateId: string } | { kind: 'p12'; handle: string };

/** What the page may ask: sign the preparation the server made for this document, nothing else. */
export interface SignPreparedRequest {
  documentId: string;
  preparationId: string;
  signer: DeviceSigner;
}

/** The signed attributes the main process built (DER, base64) and the signature over them, for `finish`. */
export type DeviceSignResult = { ok: true; signedAttributes: string; signature: string } | { ok: false; error: DeviceSignError; message: string };

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
  /** A PKCS#12 file chosen in a native open dialog, its password typed in the app's own window (never the page). */
  openP12File(): Promise<P12OpenResult>;
  /**
   * Signs a preparation of the server: the main process downloads the document and the prepared PDF
   * itself (with the session, from the configured server), checks one extends the other, builds the
   * CMS signed attributes, shows the document title, meeting, SHA-256 and signer in its own dialog,
   * takes the PIN there, and signs. The page never sees the PIN nor chooses the bytes signed.
   */
  signPreparedDocument(request: SignPreparedRequest): Promise<DeviceSignResult>;
  /**
   * The page is in a live meeting (true) or left it (false): while live, the display does not sleep
   * and closing or reloading the window asks first, in `language` (electron/main/live-meeting.ts).
   */
  setMeetingLive(live: boolean, language: 'vi' | 'en'): Promise<void>;
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
  openP12File: 'phonghop:open-p12-file',
  signPreparedDocument: 'phonghop:sign-prepared-document',
  setMeetingLive: 'phonghop:set-meeting-live',
} as const;
