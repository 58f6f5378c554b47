/**
 * electron-builder.yml, read and validated by electron-builder's own code (no build is run: every
 * target would download Electron). Also checks which files its patterns put into the app: the
 * bundled main and preloads, the renderer, and of node_modules only the PKCS#11 binding that the
 * bundle leaves out (scripts/build-electron.mjs NATIVE_PACKAGES) with what it depends on.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_PACKAGES } from '../../../scripts/build-electron.mjs';
import { appFiles, dependencyClosure, isUnpacked, loadBuilderConfig, noDebug, shippedPackageFiles, shippedPackages } from '../../electron/fixtures/builder-files.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
// electron-builder's internals (app-builder-lib is its dependency); the public CLI offers no dry run.
const builderConfig = require('app-builder-lib/out/util/config/config.js');
const yaml = require('js-yaml');

interface TargetEntry {
  target: string;
  arch?: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let config: any;

beforeAll(async () => {
  config = await loadBuilderConfig(ROOT);
}, 60_000);

describe('electron-builder.yml', () => {
  it('is valid YAML and passes electron-builder’s schema validation', async () => {
    expect(() => yaml.load(require('node:fs').readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8'))).not.toThrow();
    await expect(builderConfig.validateConfiguration(config, noDebug)).resolves.toBeUndefined();
    // And the validation is real: a misspelt option is refused.
    await expect(builderConfig.validateConfiguration({ ...config, linux: { ...config.linux, categroy: 'x' } }, noDebug)).rejects.toThrow(
      /configuration/i,
    );
  }, 60_000); // compiling electron-builder's JSON schema takes seconds on a busy machine

  it('identifies the app', () => {
    expect(config.appId).toBe('vn.gov.phonghop');
    expect(config.productName).toBe('Phòng họp');
    expect(config.artifactName).toMatch(/^[\x20-\x7e]+$/); // ASCII installer names
  });

  it('targets Windows nsis x64, Linux deb + AppImage, macOS dmg', () => {
    const targets = (entries: TargetEntry[]) => entries.map((entry) => `${entry.target}:${(entry.arch ?? []).join('+')}`);
    expect(targets(config.win.target)).toEqual(['nsis:x64']);
    expect(targets(config.linux.target)).toEqual(['deb:x64', 'AppImage:x64']);
    expect(targets(config.mac.target)).toEqual(['dmg:x64+arm64']);
    expect(config.linux.category).toBe('Network;VideoConference');
  });

  it('points at icons and entitlements that exist', async () => {
    for (const icon of [config.win.icon, config.linux.icon, config.mac.icon]) {
      const png = await readFile(path.join(ROOT, icon));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    }
    const entitlements = await readFile(path.join(ROOT, config.mac.entitlements), 'utf8');
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    expect(entitlements).toContain('<key>com.apple.security.device.camera</key>');
    expect(entitlements).toContain('<key>com.apple.security.device.audio-input</key>');
    expect(config.mac.hardenedRuntime).toBe(true);
  });

  it('explains camera and microphone use on macOS in Vietnamese and English', () => {
    for (const key of ['NSCameraUsageDescription', 'NSMicrophoneUsageDescription']) {
      const text: string = config.mac.extendInfo[key];
      expect(text, key).toMatch(/cần dùng/);
      expect(text, key).toMatch(/ uses the /);
    }
  });

  it('rebuilds nothing and hardens the binary with fuses', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });
});

describe('files packed into the app', () => {
  let tree: string;
  const files = [
    'package.json',
    'electron-builder.yml',
    'electron/dist/main/index.js',
    'electron/dist/main/index.js.map',
    'electron/dist/main/chunks/p12-ABC123.js',
    'electron/dist/preload/index.cjs',
    'electron/dist/preload/signing-prompt.cjs',
    'electron/main/index.ts',
    'electron/build/entitlements.mac.plist',
    'electron/tsconfig.json',
    'renderer/dist/index.html',
    'renderer/dist/assets/index-abc123.js',
    'renderer/dist/assets/index-abc123.js.br',
    'renderer/dist/assets/index-abc123.css',
    'renderer/src/main.tsx',
    'resources/icons/icon.png',
    'resources/icons/generate-icon.mjs',
    'scripts/build-electron.mjs',
    'sfu-server/src/main.ts',
    'common/desktop-api.ts',
    'tests/unit/electron/csp.test.ts',
    'scripts/setup.sh',
    'data/phonghop.sqlite',
    '.env',
    'node_modules/fastify/package.json',
    'node_modules/mediasoup/package.json',
    'node_modules/mediasoup/worker/out/Release/mediasoup-worker',
    'node_modules/@fastify/cookie/package.json',
    'node_modules/pkijs/package.json',
    'node_modules/graphene-pk11/package.json',
    'node_modules/graphene-pk11/LICENSE.md',
    'node_modules/graphene-pk11/build/cjs/index.js',
    'node_modules/graphene-pk11/build/es2015/index.js',
    'node_modules/graphene-pk11/build/types/index.d.ts',
    'node_modules/pkcs11js/package.json',
    'node_modules/pkcs11js/LICENSE',
    'node_modules/pkcs11js/index.js',
    'node_modules/pkcs11js/index.d.ts',
    'node_modules/pkcs11js/binding.gyp',
    'node_modules/pkcs11js/src/main.cpp',
    'node_modules/pkcs11js/includes/pkcs11.h',
    'node_modules/pkcs11js/build/Makefile',
    'node_modules/pkcs11js/build/Release/pkcs11.node',
    'node_modules/pkcs11js/build/Release/obj.target/pkcs11.node',
    'node_modules/pkcs11js/build/Release/.deps/Release/pkcs11.node.d',
    'node_modules/tslib/package.json',
    'node_modules/tslib/tslib.js',
  ];

  beforeAll(async () => {
    tree = await mkdtemp(path.join(tmpdir(), 'phonghop-files-'));
    for (const file of files) {
      await mkdir(path.dirname(path.join(tree, file)), { recursive: true });
      await writeFile(path.join(tree, file), 'x');
    }
  });
  afterAll(async () => {
    await rm(tree, { recursive: true, force: true });
  });

  it('of the app itself: exactly the bundled main and preloads, the built renderer, the icon and package.json', async () => {
    expect(await appFiles(tree, config)).toEqual([
      'electron/dist/main/chunks/p12-ABC123.js',
      'electron/dist/main/index.js',
      'electron/dist/preload/index.cjs',
      'electron/dist/preload/signing-prompt.cjs',
      'package.json',
      'renderer/dist/assets/index-abc123.css',
      'renderer/dist/assets/index-abc123.js',
      'renderer/dist/index.html',
      'resources/icons/icon.png',
    ]);
  });

  it('of node_modules: the PKCS#11 binding’s run-time files only, nothing of the server’s dependencies', async () => {
    const kept: string[] = [];
    for (const name of ['fastify', 'mediasoup', '@fastify/cookie', 'pkijs', 'graphene-pk11', 'pkcs11js', 'tslib']) {
      kept.push(...(await shippedPackageFiles(tree, config, `node_modules/${name}`)));
    }
    expect(kept).toEqual([
      'node_modules/graphene-pk11/LICENSE.md',
      'node_modules/graphene-pk11/build/cjs/index.js',
      'node_modules/graphene-pk11/package.json',
      'node_modules/pkcs11js/LICENSE',
      'node_modules/pkcs11js/build/Release/pkcs11.node',
      'node_modules/pkcs11js/index.js',
      'node_modules/pkcs11js/package.json',
      'node_modules/tslib/package.json',
      'node_modules/tslib/tslib.js',
    ]);
  });

  it('of this repository’s node_modules: exactly the packages the bundle leaves out and what they depend on', async () => {
    // The installed packages, walked the way electron-builder walks the production dependencies.
    const shipped = await shippedPackages(ROOT, config);
    expect(shipped).toEqual(dependencyClosure(ROOT, NATIVE_PACKAGES));
    expect(shipped).toEqual(['node_modules/graphene-pk11', 'node_modules/pkcs11js', 'node_modules/tslib']);
  });

  it('unpack the native addon from app.asar (a .node file cannot be loaded from inside it)', async () => {
    const natives = (await shippedPackageFiles(ROOT, config, 'node_modules/pkcs11js')).filter((file) => file.endsWith('.node'));
    expect(natives).toEqual(['node_modules/pkcs11js/build/Release/pkcs11.node']);
    for (const file of natives) expect(await isUnpacked(ROOT, config, file), file).toBe(true);
    // And only them: the JavaScript stays in the (integrity-checked) archive.
    expect(await isUnpacked(ROOT, config, 'node_modules/pkcs11js/index.js')).toBe(false);
    expect(config.asar).toBe(true);
  });

  it('include the file package.json "main" names', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('electron/dist/main/index.js');
  });
});
