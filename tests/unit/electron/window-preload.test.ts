import { readFile } from 'node:fs/promises';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DESKTOP_IPC, type DesktopApi } from '../../../common/desktop-api.js';
import { APP_VERSION_ARGUMENT_PREFIX, mainWindowOptions, secureWebPreferences } from '../../../electron/main/window.js';

const PRELOAD_SOURCE = new URL('../../../electron/preload/index.cts', import.meta.url);

/**
 * Runs the preload the way Electron runs a sandboxed preload: as a CommonJS function body whose
 * `require` knows only 'electron' (a sibling import would throw here as it would in the sandbox).
 */
async function runPreload(argv: string[]) {
  const source = await readFile(PRELOAD_SOURCE, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: 'index.cts',
  });
  const exposed = { key: '', api: null as unknown, invokes: [] as unknown[][] };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed.key = key;
        exposed.api = api;
      },
    },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        exposed.invokes.push(args);
        return `answer:${String(args[0])}`;
      },
    },
  };
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const module = { exports: {} };
  const run = new Function('require', 'process', 'Buffer', 'global', 'setImmediate', 'clearImmediate', 'exports', 'module', outputText);
  run(sandboxRequire, { argv }, undefined, globalThis, setImmediate, clearImmediate, module.exports, module);
  return exposed;
}

describe('window options', () => {
  it('are secure', () => {
    const prefs = secureWebPreferences({ preloadPath: '/app/electron/dist/electron/preload/index.cjs', appVersion: '0.1.0', devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/electron/dist/electron/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      additionalArguments: ['--phonghop-app-version=0.1.0'],
    });
  });

  it('never forwards an odd version string to the renderer command line', () => {
    const prefs = secureWebPreferences({ preloadPath: '/p', appVersion: '1.0 --no-sandbox', devTools: true });
    expect(prefs.additionalArguments).toEqual(['--phonghop-app-version=0.0.0']);
  });

  it('window starts hidden (shown on ready-to-show) with the icon only when given', () => {
    const options = mainWindowOptions({ preloadPath: '/p', appVersion: '1', devTools: false, iconPath: '/i.png' });
    expect(options.show).toBe(false);
    expect(options.icon).toBe('/i.png');
    expect('icon' in mainWindowOptions({ preloadPath: '/p', appVersion: '1', devTools: false })).toBe(false);
  });
});

describe('preload', () => {
  it('exposes window.phonghop implementing DesktopApi over the DESKTOP_IPC channels, nothing else', async () => {
    const exposed = await runPreload(['/opt/phonghop/phong-hop', '--type=renderer', `${APP_VERSION_ARGUMENT_PREFIX}9.8.7`]);
    expect(exposed.key).toBe('phonghop');
    const api = exposed.api as DesktopApi;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual(
      ['platform', 'version', 'getServerUrl', 'setServerUrl', 'resetServerUrl', 'listScreenSources', 'selectScreenSource', 'getSecret', 'setSecret', 'listTokenCertificates', 'openP12File', 'signPreparedDocument', 'setMeetingLive'].sort(),
    );
    expect(api.platform).toBe('electron');
    expect(api.version).toBe('9.8.7');

    expect(await api.getServerUrl()).toBe(`answer:${DESKTOP_IPC.getServerUrl}`);
    await api.setServerUrl('https://a.vn');
    await api.resetServerUrl();
    await api.listScreenSources();
    await api.selectScreenSource('screen:0:0');
    await api.getSecret('session');
    await api.setSecret('session', null);
    await api.listTokenCertificates();
    await api.openP12File();
    const request = { documentId: 'd', preparationId: 'p', signer: { kind: 'token' as const, certificateId: '0:1234:a1' } };
    await api.signPreparedDocument(request);
    await api.setMeetingLive(true, 'vi');
    expect(exposed.invokes).toEqual([
      [DESKTOP_IPC.getServerUrl],
      [DESKTOP_IPC.setServerUrl, 'https://a.vn'],
      [DESKTOP_IPC.resetServerUrl],
      [DESKTOP_IPC.listScreenSources],
      [DESKTOP_IPC.selectScreenSource, 'screen:0:0'],
      [DESKTOP_IPC.getSecret, 'session'],
      [DESKTOP_IPC.setSecret, 'session', null],
      [DESKTOP_IPC.listTokenCertificates],
      [DESKTOP_IPC.openP12File],
      [DESKTOP_IPC.signPreparedDocument, request],
      [DESKTOP_IPC.setMeetingLive, true, 'vi'],
    ]);
  });

  it('falls back to 0.0.0 without a usable version argument', async () => {
    expect(((await runPreload([])).api as DesktopApi).version).toBe('0.0.0');
    expect(((await runPreload([`${APP_VERSION_ARGUMENT_PREFIX}1 2`])).api as DesktopApi).version).toBe('0.0.0');
  });

  it('repeats the channel names and version argument of the contract exactly', async () => {
    // The sandboxed preload cannot import common/desktop-api.ts at run time; tsc checks the copy's
    // type, this checks the text too.
    const source = await readFile(PRELOAD_SOURCE, 'utf8');
    for (const channel of Object.values(DESKTOP_IPC)) expect(source).toContain(`'${channel}'`);
    expect(source).toContain(`'${APP_VERSION_ARGUMENT_PREFIX}'`);
  });
});
