/**
 * What `npm run build:electron` emits (scripts/build-electron.mjs), checked in plain Node (no
 * Electron binary needed) the way an installed app runs it: the bundle is copied into an app folder
 * holding, of node_modules, only the packages electron-builder.yml ships (decided by
 * electron-builder's own matchers), with no node_modules in any folder above. There the main process
 * runs against a stand-in for 'electron', opens a PKCS#12 file (pkijs, asn1js, node-forge: the lazily
 * loaded signing chunk) and lists the certificate of a SoftHSM2 token (graphene-pk11 and the native
 * pkcs11js). The preloads are single CommonJS files that work with the sandbox's reduced `require`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_IPC, type DesktopApi } from '../../common/desktop-api.js';
import { PROMPT_IPC } from '../../electron/main/signing-prompt.js';
import { buildElectron, NATIVE_PACKAGES } from '../../scripts/build-electron.mjs';
import { hasSoftHsm, makeSoftHsmToken, SOFTHSM_MODULE, type SoftHsmToken } from '../support/softhsm-token.js';
import { makeSigner, makeTestCa } from '../support/test-ca.js';
import { loadBuilderConfig, shippedPackageFiles, shippedPackages } from './fixtures/builder-files.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

let tmp: string;
/** The installed app's folder (what app.asar holds). */
let appDir: string;
/** Its electron/dist. */
let out: string;
let metafile: { main: Metafile; preload: Metafile };
let shipped: string[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'phonghop-emit-'));
  appDir = path.join(tmp, 'app');
  out = path.join(appDir, 'electron', 'dist');
  // Same build as `npm run build:electron`, into the scratch app folder.
  metafile = await buildElectron({ outdir: out });
  // The app's package.json (the root one: "type": "module", "main").
  await copyFile(path.join(ROOT, 'package.json'), path.join(appDir, 'package.json'));
  // Of node_modules, exactly the files electron-builder would copy.
  const config = await loadBuilderConfig(ROOT);
  shipped = await shippedPackages(ROOT, config);
  for (const packageDir of shipped) {
    for (const file of await shippedPackageFiles(ROOT, config, packageDir)) {
      await mkdir(path.dirname(path.join(appDir, file)), { recursive: true });
      await cp(path.join(ROOT, file), path.join(appDir, file));
    }
  }
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Runs the built main from the app folder (see run-compiled-main.mjs); one run, shared by the tests below. */
let mainRun: Promise<Record<string, any>> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
let token: SoftHsmToken | undefined;
const P12_PASSWORD = 'mật-khẩu 2026';

function runMain() {
  return (mainRun ??= (async () => {
    const ca = makeTestCa();
    const secretary = makeSigner(ca, 'Trần Thị Bình');
    const p12Path = path.join(tmp, 'ky-so.p12');
    await writeFile(p12Path, makeSigner(ca, 'Nguyễn Văn An').p12(P12_PASSWORD));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: '' };
    if (hasSoftHsm) {
      token = makeSoftHsmToken({ label: 'Token Thu ky', pin: '246810', soPin: '13579135', ca, signer: secretary, keyLabel: 'ky-so' });
      Object.assign(env, { SOFTHSM2_CONF: token.conf, PHONGHOP_PKCS11_MODULES: SOFTHSM_MODULE });
    }
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        path.join(FIXTURES, 'register-fake-electron.mjs'),
        path.join(FIXTURES, 'run-compiled-main.mjs'),
        path.join(out, 'main', 'index.js'),
        appDir,
        path.join(tmp, 'user-data'),
        p12Path,
        P12_PASSWORD,
      ],
      { cwd: appDir, env, timeout: 60_000 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  })());
}

afterAll(() => token?.remove());

describe('built output', () => {
  it('has the expected layout: main and its chunks, two preloads', () => {
    for (const file of ['main/index.js', 'preload/index.cjs', 'preload/signing-prompt.cjs']) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
  });

  it('bundles the signing libraries into a chunk that main loads only on the first signature', () => {
    const outputs = Object.entries(metafile.main.outputs).map(([file, output]) => ({ file: path.relative(out, path.resolve(ROOT, file)), ...output }));
    const entry = outputs.find((output) => output.entryPoint === 'electron/main/index.ts')!;
    expect(entry.file).toBe(path.join('main', 'index.js'));
    const inputsOf = (output: (typeof outputs)[number]) => Object.keys(output.inputs).join('\n');
    const signing = outputs.filter((output) => /node_modules\/(pkijs|asn1js|node-forge)\//.test(inputsOf(output)));
    expect(signing.length).toBeGreaterThan(0);
    for (const library of ['pkijs', 'asn1js', 'node-forge']) expect(signing.some((output) => inputsOf(output).includes(`node_modules/${library}/`)), library).toBe(true);
    // Everything main imports statically is free of them; they come through import().
    const statics = new Set<string>();
    const visit = (file: string) => {
      if (statics.has(file)) return;
      statics.add(file);
      const output = outputs.find((o) => o.file === file)!;
      for (const imported of output.imports) if (!imported.external && imported.kind === 'import-statement') visit(path.relative(out, path.resolve(ROOT, imported.path)));
    };
    visit(entry.file);
    for (const chunk of signing) expect(statics.has(chunk.file), chunk.file).toBe(false);
  });

  it('leaves out only electron, Node built-ins and the native packages electron-builder ships', () => {
    const external = new Set<string>();
    for (const output of [...Object.values(metafile.main.outputs), ...Object.values(metafile.preload.outputs)]) {
      for (const imported of output.imports) if (imported.external) external.add(imported.path);
    }
    for (const specifier of external) {
      expect(specifier === 'electron' || isBuiltin(specifier) || NATIVE_PACKAGES.includes(specifier), specifier).toBe(true);
    }
    // The packed app holds them (the PKCS#11 binding), and nothing of the server's dependencies.
    expect(shipped).toEqual(expect.arrayContaining(NATIVE_PACKAGES.map((name) => `node_modules/${name}`)));
    for (const server of ['fastify', 'mediasoup', 'pdf-lib', 'pkijs', 'node-forge']) expect(existsSync(path.join(appDir, 'node_modules', server)), server).toBe(false);
    // Nothing above the app folder could stand in for a missing package.
    for (let dir = path.dirname(appDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
    }
  });

  it('main process runs from the app folder against a stand-in for electron', async () => {
    const report = await runMain();
    expect(report.ready).toBe(true);
    expect(report.sandboxEnabled).toBe(true);
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    // The preload path the built main computes is the built preload.
    expect(report.webPreferences.preload).toBe(path.join(out, 'preload', 'index.cjs'));
    // The page's channels and the signing prompt's (answered only for a prompt window).
    expect(report.channels).toEqual([...Object.values(DESKTOP_IPC), ...Object.values(PROMPT_IPC)].sort());
    expect(report.loads[0]).toEqual({
      kind: 'file',
      target: path.join(appDir, 'renderer', 'dist', 'index.html'),
      options: { hash: '/setup' },
    });
    expect(report.setResult).toEqual({ ok: true });
    expect(report.fetchCalls).toEqual(['http://127.0.0.1:45678/api/health']);
    expect(report.loads.at(-1)).toEqual({ kind: 'url', target: 'http://127.0.0.1:45678/' });
  }, 90_000);

  it('opens a PKCS#12 file there: the password typed in the prompt window, read by the bundled signing chunk', async () => {
    const report = await runMain();
    expect(report.promptPreload).toBe(path.join(out, 'preload', 'signing-prompt.cjs'));
    expect(report.p12).toMatchObject({ ok: true, identity: { subject: 'Nguyễn Văn An', issuer: 'Phòng họp Test Root CA', fileName: 'ky-so.p12' } });
  }, 90_000);

  it.skipIf(!hasSoftHsm)('lists a PKCS#11 token’s certificate there, through the shipped graphene-pk11 and native pkcs11js', async () => {
    const report = await runMain();
    expect(report.tokens.map((c: { tokenLabel: string; subject: string }) => [c.tokenLabel, c.subject])).toEqual([['Token Thu ky', 'Trần Thị Bình']]);
  }, 90_000);

  it('preload is a single CommonJS file that needs nothing but electron', async () => {
    const code = await readFile(path.join(out, 'preload', 'index.cjs'), 'utf8');
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
