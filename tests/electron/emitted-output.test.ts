/**
 * What `npm run build:electron` emits, checked in plain Node (no Electron binary needed): the
 * compiled main process runs against a stand-in for 'electron' and imports no npm package, and the
 * compiled preload is one CommonJS file that works with the sandbox's reduced `require`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_IPC, type DesktopApi } from '../../common/desktop-api.js';
import { PROMPT_IPC } from '../../electron/main/signing-prompt.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

let tmp: string;
let out: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'phonghop-emit-'));
  out = path.join(tmp, 'dist');
  // Same compilation as `npm run build:electron`, into a scratch folder.
  await run(process.execPath, [TSC, '-p', path.join(ROOT, 'electron', 'tsconfig.json'), '--outDir', out], { cwd: ROOT });
  // In the repository electron/dist sits under the root package.json ("type": "module").
  await writeFile(path.join(out, 'package.json'), '{ "type": "module" }\n');
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('compiled output', () => {
  it('has the expected layout', () => {
    for (const file of ['electron/main/index.js', 'electron/preload/index.cjs', 'electron/preload/signing-prompt.cjs', 'common/desktop-api.js']) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
  });

  it('main process runs in plain Node against a stand-in for electron, with no npm dependency', async () => {
    const appPath = path.join(tmp, 'app');
    await mkdir(appPath, { recursive: true });
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        path.join(FIXTURES, 'register-fake-electron.mjs'),
        path.join(FIXTURES, 'run-compiled-main.mjs'),
        path.join(out, 'electron', 'main', 'index.js'),
        appPath,
        path.join(tmp, 'user-data'),
      ],
      { cwd: ROOT, timeout: 30_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report.ready).toBe(true);
    expect(report.sandboxEnabled).toBe(true);
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    // The preload path the compiled main computes is the compiled preload.
    expect(report.webPreferences.preload).toBe(path.join(out, 'electron', 'preload', 'index.cjs'));
    // The page's channels and the signing prompt's (answered only for a prompt window).
    expect(report.channels).toEqual([...Object.values(DESKTOP_IPC), ...Object.values(PROMPT_IPC)].sort());
    expect(report.loads[0]).toEqual({
      kind: 'file',
      target: path.join(appPath, 'renderer', 'dist', 'index.html'),
      options: { hash: '/setup' },
    });
    expect(report.setResult).toEqual({ ok: true });
    expect(report.fetchCalls).toEqual(['http://127.0.0.1:45678/api/health']);
    expect(report.loads.at(-1)).toEqual({ kind: 'url', target: 'http://127.0.0.1:45678/' });
  });

  it('preload is a single CommonJS file that needs nothing but electron', async () => {
    const code = await readFile(path.join(out, 'electron', 'preload', 'index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1])).toEqual(['electron']);

    // Run it the way Electron runs a sandboxed preload.
    let exposed: { key: string; api: DesktopApi } | null = null;
    const invokes: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: DesktopApi) => (exposed = { key, api }) },
      ipcRenderer: { invoke: async (...args: unknown[]) => invokes.push(args) },
    };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return electron;
      throw new Error(`module not found: ${name}`);
    };
    const module = { exports: {} };
    new Function('require', 'process', 'Buffer', 'global', 'setImmediate', 'clearImmediate', 'exports', 'module', code)(
      sandboxRequire,
      { argv: ['--phonghop-app-version=0.1.0'] },
      undefined,
      globalThis,
      setImmediate,
      clearImmediate,
      module.exports,
      module,
    );
    expect(exposed).not.toBeNull();
    const { key, api } = exposed!;
    expect(key).toBe('phonghop');
    expect(api.version).toBe('0.1.0');
    await api.setSecret('session', 'v');
    expect(invokes).toEqual([[DESKTOP_IPC.setSecret, 'session', 'v']]);
  });
});
