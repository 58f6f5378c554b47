/**
 * What each `window.phonghop` call does in the main process, with every dependency injected.
 * Arguments arrive here already type-checked by ipc.ts.
 */
import type { DesktopApi } from '../../common/desktop-api.js';
import type { HealthResult } from './health.js';
import type { ScreenShareController } from './screen-share.js';
import type { SettingsStore } from './settings.js';
import { TokenSignerError, type TokenSigner } from './token-signer.js';
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
}

export function createDesktopService(deps: DesktopServiceDeps): DesktopHandlers {
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

    getSecret: (key) => deps.settings.getSecret(key),

    setSecret: (key, value) => deps.settings.setSecret(key, value),

    async listTokenCertificates() {
      return deps.tokenSigner?.()?.listCertificates() ?? [];
    },

    async signWithToken(certificateId, pin, data) {
      const signer = deps.tokenSigner?.();
      if (!signer) return { ok: false, error: 'unavailable', message: 'no PKCS#11 module is installed or configured' };
      try {
        const signature = signer.sign(certificateId, pin, new Uint8Array(Buffer.from(data, 'base64')));
        return { ok: true, signature: Buffer.from(signature).toString('base64') };
      } catch (error) {
        if (error instanceof TokenSignerError) return { ok: false, error: error.code, message: error.message };
        return { ok: false, error: 'token_error', message: error instanceof Error ? error.message.slice(0, 300) : String(error) };
      }
    },
  };
}
