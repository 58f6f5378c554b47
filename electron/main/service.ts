/**
 * What each `window.phonghop` call does in the main process, with every dependency injected.
 * Arguments arrive here already type-checked by ipc.ts.
 */
import crypto from 'node:crypto';
import type { DesktopApi } from '../../common/desktop-api.js';
import type { DocumentSigning } from './document-signing.js';
import type { HealthResult } from './health.js';
import type { LiveMeetingKeeper } from './live-meeting.js';
import type { ScreenShareController } from './screen-share.js';
import type { SettingsStore } from './settings.js';
import type { TokenSigner } from './token-signer.js';
import { parseServerUrl } from './url.js';

/** The methods of the contract that go through IPC (`platform` and `version` are preload constants). */
export type DesktopHandlers = Omit<DesktopApi, 'platform' | 'version'>;

export interface DesktopServiceDeps {
  settings: Pick<SettingsStore, 'getServerUrl' | 'setServerUrl' | 'getSecret' | 'setSecret'>;
  /** `checkServerHealth(url, net.fetch)` in the app. */
  checkHealth(serverUrl: string): Promise<HealthResult>;
  screenShare: Pick<ScreenShareController, 'listSources' | 'selectSource'>;
  /**
   * Called after the stored address changed: the main process switches its trust policy (CSP,
   * permissions, navigation) and loads `${url}/`, or the setup page for null.
   */
  onServerUrlChanged(serverUrl: string | null): void;
  /** The PKCS#11 signer (token-signer.ts), made on first use; null where no module is available. */
  tokenSigner?: () => Pick<TokenSigner, 'listCertificates' | 'sign'> | null;
  /** Signing in the main process (document-signing.ts): absent, every signature is refused as unavailable. */
  documentSigning?: Pick<DocumentSigning, 'openP12File' | 'signPrepared'>;
  /** Keeps the display awake and the window asking before it drops a live meeting (live-meeting.ts). */
  liveMeeting?: Pick<LiveMeetingKeeper, 'setLive'>;
}

/**
 * The page's secrets (e.g. the refresh token) are kept per server origin: the page names a key,
 * the store holds `<key>.<16 hex of SHA-256(origin)>`. Another server's page, after the address
 * is changed, finds nothing of the first server's.
 */
export function secretKeyForOrigin(key: string, origin: string): string {
  return `${key}.${crypto.createHash('sha256').update(origin).digest('hex').slice(0, 16)}`;
}

export function createDesktopService(deps: DesktopServiceDeps): DesktopHandlers {
  const currentOrigin = async (): Promise<string | null> => {
    const url = await deps.settings.getServerUrl();
    const parsed = url === null ? null : parseServerUrl(url);
    return parsed?.ok ? parsed.origin : null;
  };
  return {
    getServerUrl: () => deps.settings.getServerUrl(),

    async setServerUrl(input) {
      const parsed = parseServerUrl(input);
      if (!parsed.ok) return { ok: false, error: parsed.error };
      const health = await deps.checkHealth(parsed.url);
      if (!health.ok) return { ok: false, error: health.error };
      try {
        await deps.settings.setServerUrl(parsed.url);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return { ok: false, error: `Không lưu được địa chỉ máy chủ (${detail.slice(0, 200)}).` };
      }
      deps.onServerUrlChanged(parsed.url);
      return { ok: true };
    },

    async resetServerUrl() {
      await deps.settings.setServerUrl(null);
      deps.onServerUrlChanged(null);
    },

    listScreenSources: () => deps.screenShare.listSources(),

    async selectScreenSource(id) {
      deps.screenShare.selectSource(id);
    },

    async getSecret(key) {
      const origin = await currentOrigin();
      return origin === null ? null : deps.settings.getSecret(secretKeyForOrigin(key, origin));
    },

    async setSecret(key, value) {
      const origin = await currentOrigin();
      if (origin === null) {
        if (value === null) return;
        throw new Error('no server address is set: secrets are kept per server');
      }
      await deps.settings.setSecret(secretKeyForOrigin(key, origin), value);
    },

    async listTokenCertificates() {
      return deps.tokenSigner?.()?.listCertificates() ?? [];
    },

    async openP12File() {
      if (!deps.documentSigning) return { ok: false, error: 'unavailable', message: 'signing is not available in this build' };
      return deps.documentSigning.openP12File();
    },

    async signPreparedDocument(request) {
      if (!deps.documentSigning) return { ok: false, error: 'unavailable', message: 'signing is not available in this build' };
      return deps.documentSigning.signPrepared(request);
    },

    async setMeetingLive(live, language) {
      deps.liveMeeting?.setLive(live, language);
    },
  };
}
