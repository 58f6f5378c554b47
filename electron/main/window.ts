/**
 * Options of the application window. Pure: only Electron's types are used (erased at compile time).
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The preload reads the application version from this renderer command-line argument. */
export const APP_VERSION_ARGUMENT_PREFIX = '--phonghop-app-version=';
const VERSION_PATTERN = /^[0-9A-Za-z.+-]{1,64}$/;

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (`…/electron/preload/index.cjs`). */
  preloadPath: string;
  appVersion: string;
  /** DevTools only in development (`!app.isPackaged`). */
  devTools: boolean;
  /** Window icon (used on Linux; Windows and macOS take it from the executable). */
  iconPath?: string | undefined;
}

/** contextIsolation + sandbox + no Node in any renderer, web security on, no <webview>. */
export function secureWebPreferences(input: Pick<WindowOptionsInput, 'preloadPath' | 'appVersion' | 'devTools'>): WebPreferences {
  const version = VERSION_PATTERN.test(input.appVersion) ? input.appVersion : '0.0.0';
  return {
    preload: input.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // The spell-checker downloads dictionaries from Google's servers: not on a closed network.
    spellcheck: false,
    devTools: input.devTools,
    additionalArguments: [`${APP_VERSION_ARGUMENT_PREFIX}${version}`],
  };
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Phòng họp',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    ...(input.iconPath !== undefined ? { icon: input.iconPath } : {}),
    webPreferences: secureWebPreferences(input),
  };
}
