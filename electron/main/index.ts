/**
 * Electron main process of "Phòng họp". The only module that imports 'electron': everything it
 * decides is delegated to the pure modules next to it (url, csp, permissions, settings, health,
 * screen-share, service, ipc, window), which are unit-tested without Electron.
 *
 * First run: no server address stored → the bundled renderer's setup page
 * (`renderer/dist/index.html#/setup`), which calls `window.phonghop.setServerUrl(url)`.
 * Later runs: `${serverUrl}/` directly.
 */
import {
  app,
  BrowserWindow,
  desktopCapturer,
  dialog,
  ipcMain,
  Menu,
  net,
  powerSaveBlocker,
  safeStorage,
  type Session,
  session,
  shell,
  type WebContents,
} from 'electron';
import { open as openFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildContentSecurityPolicy, shouldApplyCsp, withContentSecurityPolicy } from './csp.js';
import { appMenuTemplate } from './app-menu.js';
import { checkServerHealth } from './health.js';
import { registerDesktopIpc } from './ipc.js';
import { createLiveMeetingKeeper, onWillPreventUnload } from './live-meeting.js';
import { decidePermission } from './permissions.js';
import { DocumentSigning } from './document-signing.js';
import { createScreenShareController } from './screen-share.js';
import { createDesktopService } from './service.js';
import { createSettingsStore } from './settings.js';
import { createSigningPrompts } from './signing-prompt.js';
import { configuredModules, TokenSigner } from './token-signer.js';
import {
  httpOriginOf,
  isNavigationAllowed,
  isTrustedSenderFrame,
  parseServerUrl,
  shouldOpenExternally,
  type TrustPolicy,
} from './url.js';
import { mainWindowOptions } from './window.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** electron/dist/main/index.js → electron/dist/preload/index.cjs (scripts/build-electron.mjs) */
const PRELOAD_PATH = path.join(here, '..', 'preload', 'index.cjs');
/** The signing prompt's own preload (PIN / PKCS#12 password window). */
const PROMPT_PRELOAD_PATH = path.join(here, '..', 'preload', 'signing-prompt.cjs');
/** Folder holding package.json: the repository in development, app.asar when packaged. */
const APP_ROOT = app.getAppPath();
const SETUP_PAGE_FILE = path.join(APP_ROOT, 'renderer', 'dist', 'index.html');
const ICON_FILE = path.join(APP_ROOT, 'resources', 'icons', 'icon.png');
const SETUP_HASH = '/setup';
/** Chromium's net::ERR_ABORTED: a navigation replaced by another one, not a failure. */
const ERR_ABORTED = -3;

let serverUrl: string | null = null;
let serverOrigin: string | null = null;
let mainWindow: BrowserWindow | null = null;
let started = false;
/** The display stays awake and the window asks before it drops a live meeting (live-meeting.ts). */
const liveMeeting = createLiveMeetingKeeper(powerSaveBlocker);

const policy: TrustPolicy = {
  serverOrigin: () => serverOrigin,
  setupPageUrl: pathToFileURL(SETUP_PAGE_FILE).href,
  caseInsensitivePaths: process.platform === 'win32' || process.platform === 'darwin',
};

function applyServerUrl(url: string | null): void {
  const parsed = url === null ? null : parseServerUrl(url);
  serverUrl = parsed !== null && parsed.ok ? parsed.url : null;
  serverOrigin = parsed !== null && parsed.ok ? parsed.origin : null;
}

/** Applied to every webContents the app ever creates (window, devtools, anything unexpected). */
function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isNavigationAllowed(event.url, policy)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(event.url, policy)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (shouldOpenExternally(url)) {
      shell.openExternal(url).catch((error: unknown) => console.error('[phonghop] openExternal failed:', error));
    }
    return { action: 'deny' };
  });
}

function installSessionPolicy(ses: Session): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!shouldApplyCsp(details.url, policy)) {
      callback({});
      return;
    }
    const csp = buildContentSecurityPolicy({ serverOrigin });
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
  });

  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const securityOrigin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    callback(
      decidePermission(
        { permission, requestingOrigin: details.requestingUrl, securityOrigin, topLevelOrigin: contents.getURL() },
        serverOrigin,
      ),
    );
  });

  ses.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    decidePermission(
      {
        permission,
        requestingOrigin,
        securityOrigin: details.securityOrigin,
        topLevelOrigin: details.embeddingOrigin ?? contents?.getURL(),
      },
      serverOrigin,
    ),
  );

  // WebHID / WebUSB / Web Serial: never.
  ses.setDevicePermissionHandler(() => false);
}

function loadSetupPage(win: BrowserWindow): void {
  // The renderer shows its set-up screen for exactly `#/setup` (renderer/src/app/App.tsx).
  win.loadFile(SETUP_PAGE_FILE, { hash: SETUP_HASH }).catch((error: unknown) => {
    console.error(`[phonghop] cannot load the setup page ${SETUP_PAGE_FILE} (was the renderer built?):`, error);
  });
}

function loadCurrentPage(): void {
  const win = mainWindow;
  if (win === null || win.isDestroyed()) return;
  if (serverUrl === null) {
    loadSetupPage(win);
    return;
  }
  // Failures are handled by 'did-fail-load' below.
  win.loadURL(`${serverUrl}/`).catch(() => undefined);
}

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow(
    mainWindowOptions({
      preloadPath: PRELOAD_PATH,
      appVersion: app.getVersion(),
      devTools: !app.isPackaged,
      iconPath: process.platform === 'linux' ? ICON_FILE : undefined,
    }),
  );
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    liveMeeting.dispose();
  });
  // The page's beforeunload (set while in a live meeting) stopped a close, reload or quit: ask.
  win.webContents.on('will-prevent-unload', onWillPreventUnload(liveMeeting, (options) => dialog.showMessageBoxSync(win, options)));
  // A new page (a reload, the setup page) is not in the meeting any more.
  win.webContents.on('did-start-navigation', (details: { isMainFrame?: boolean; isSameDocument?: boolean }) => {
    if (details?.isMainFrame && !details.isSameDocument) liveMeeting.setLive(false, liveMeeting.language());
  });
  // The server is down or unreachable: show the setup page (it can retry or change the address)
  // instead of leaving the user on Chromium's error page with no way out.
  win.webContents.on('did-fail-load', (_event, errorCode, _description, validatedURL, isMainFrame) => {
    if (!isMainFrame || errorCode === ERR_ABORTED) return;
    if (serverOrigin !== null && httpOriginOf(validatedURL) === serverOrigin) loadSetupPage(win);
  });
  mainWindow = win;
  loadCurrentPage();
  return win;
}

function focusMainWindow(): void {
  const win = mainWindow;
  if (win === null || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

async function start(): Promise<void> {
  const settings = createSettingsStore({
    filePath: path.join(app.getPath('userData'), 'settings.json'),
    safeStorage,
  });
  applyServerUrl(await settings.getServerUrl());

  const ses = session.defaultSession;
  installSessionPolicy(ses);

  const screenShare = createScreenShareController({ getSources: (options) => desktopCapturer.getSources(options) });
  ses.setDisplayMediaRequestHandler(
    (request, callback) => callback(screenShare.handleDisplayMediaRequest(request, serverOrigin)),
    { useSystemPicker: false },
  );

  let tokenSigner: TokenSigner | null | undefined;
  app.on('will-quit', () => tokenSigner?.close());
  const tokenSignerOnce = () => {
    if (tokenSigner === undefined) {
      const modules = configuredModules();
      tokenSigner = modules.length > 0 ? new TokenSigner(modules) : null;
    }
    return tokenSigner;
  };
  const prompts = createSigningPrompts({
    createWindow: (options) => new BrowserWindow(options),
    ipcMain,
    parent: () => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null),
    preloadPath: PROMPT_PRELOAD_PATH,
    showMessageBox: (parent, options) => (parent instanceof BrowserWindow ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options)),
    showOpenDialog: (parent, options) =>
      parent instanceof BrowserWindow
        ? dialog.showOpenDialog(parent, options as Electron.OpenDialogOptions)
        : dialog.showOpenDialog(options as Electron.OpenDialogOptions),
    readFile: async (file, maxBytes) => {
      const handle = await openFile(file, 'r');
      try {
        if ((await handle.stat()).size > maxBytes) throw new Error('the file is too large for a PKCS#12 file');
        return new Uint8Array(await handle.readFile());
      } finally {
        await handle.close();
      }
    },
  });
  const documentSigning = new DocumentSigning({
    // Only the configured server, with the session's cookies; no redirects elsewhere.
    get: async (apiPath) => {
      if (serverUrl === null) throw new Error('no server address is set');
      const res = await ses.fetch(new URL(apiPath, serverUrl).toString(), { credentials: 'include', redirect: 'error' });
      return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    },
    serverOrigin: async () => serverOrigin,
    prompts,
    tokenSigner: tokenSignerOnce,
  });
  const service = createDesktopService({
    settings,
    documentSigning,
    // Loaded on first use: the vendor's PKCS#11 library (PHONGHOP_PKCS11_MODULES, or well-known paths).
    tokenSigner: tokenSignerOnce,
    checkHealth: (url) => checkServerHealth(url, (input, init) => net.fetch(input, init)),
    screenShare,
    liveMeeting,
    onServerUrlChanged: (url) => {
      applyServerUrl(url);
      // Let the IPC reply reach the page before it is replaced.
      setImmediate(loadCurrentPage);
    },
  });
  registerDesktopIpc(ipcMain, service, (frame) => isTrustedSenderFrame(frame, policy));

  // Electron's default menu reloads on Ctrl+R / F5 and closes on Ctrl+W without asking (app-menu.ts).
  const menuLanguage = app.getLocale().toLowerCase().startsWith('vi') ? 'vi' : 'en';
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        devTools: !app.isPackaged,
        language: menuLanguage,
        actions: {
          reload: () => mainWindow?.webContents.reload(),
          closeWindow: () => mainWindow?.close(),
          quit: () => app.quit(),
        },
      }),
    ),
  );

  createMainWindow();
  started = true;
}

/** Resolves true once the window exists; false for a second instance or when start-up failed. */
export const mainProcessReady: Promise<boolean> = (() => {
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve(false);
  }
  if (process.platform === 'win32') app.setAppUserModelId('vn.gov.phonghop');
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (started && BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
  return app
    .whenReady()
    .then(start)
    .then(() => true)
    .catch((error: unknown) => {
      console.error('[phonghop] start-up failed:', error);
      app.exit(1);
      return false;
    });
})();
