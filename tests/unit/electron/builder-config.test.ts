/**
 * electron-builder.yml, read and validated by electron-builder's own code (no build is run: every
 * target would download Electron). Also checks which files its patterns put into the app.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
// electron-builder's internals (app-builder-lib is its dependency); the public CLI offers no dry run.
const builderConfig = require('app-builder-lib/out/util/config/config.js');
const fileMatcher = require('app-builder-lib/out/fileMatcher.js');
const yaml = require('js-yaml');

interface TargetEntry {
  target: string;
  arch?: string[];
}

const noDebug = { isEnabled: false, add: () => undefined };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let config: any;

beforeAll(async () => {
  config = await builderConfig.getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
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
    'electron/dist/electron/main/index.js',
    'electron/dist/electron/main/index.js.map',
    'electron/dist/electron/preload/index.cjs',
    'electron/dist/common/desktop-api.js',
    'electron/main/index.ts',
    'electron/build/entitlements.mac.plist',
    'electron/tsconfig.json',
    'renderer/dist/index.html',
    'renderer/dist/assets/index-abc123.js',
    'renderer/dist/assets/index-abc123.css',
    'renderer/src/main.tsx',
    'resources/icons/icon.png',
    'resources/icons/generate-icon.mjs',
    'sfu-server/src/main.ts',
    'common/desktop-api.ts',
    'tests/unit/electron/csp.test.ts',
    'scripts/setup.sh',
    'data/phonghop.sqlite',
    '.env',
    'node_modules/fastify/package.json',
    'node_modules/mediasoup/package.json',
    'node_modules/mediasoup/worker/out/Release/mediasoup-worker',
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

  async function walk(dir: string, accept: (file: string, stats: Awaited<ReturnType<typeof stat>>) => boolean): Promise<string[]> {
    const found: string[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      const stats = await stat(full);
      if (!accept(full, stats)) continue;
      if (stats.isDirectory()) found.push(...(await walk(full, accept)));
      else found.push(path.relative(tree, full).split(path.sep).join('/'));
    }
    return found;
  }

  function fakePackager() {
    return {
      info: { projectDir: tree, buildResourcesDir: 'build', isPrepackedAppAsar: false, config, debugLogger: noDebug },
    };
  }

  it('are exactly the compiled main/preload, the built renderer, the icon and package.json', async () => {
    const [matcher] = fileMatcher.getMainFileMatchers(
      tree,
      path.join(tree, 'out', 'app'),
      (value: string) => value,
      {},
      fakePackager(),
      path.join(tree, 'dist', 'installers'),
      false,
    );
    const filter = matcher.createFilter();
    expect(await walk(tree, (file, stats) => filter(file, stats))).toEqual([
      'electron/dist/common/desktop-api.js',
      'electron/dist/electron/main/index.js',
      'electron/dist/electron/preload/index.cjs',
      'package.json',
      'renderer/dist/assets/index-abc123.css',
      'renderer/dist/assets/index-abc123.js',
      'renderer/dist/index.html',
      'resources/icons/icon.png',
    ]);
  });

  it('exclude every production dependency of the root package (they are the server’s)', async () => {
    const destination = path.join(tree, 'out', 'app');
    const nodeModulesMatcher = fileMatcher.getNodeModuleFileMatcher(tree, destination, (value: string) => value, {}, fakePackager().info);
    for (const dependency of ['fastify', 'mediasoup']) {
      const dependencyDir = path.join(tree, 'node_modules', dependency);
      const matcher = new fileMatcher.FileMatcher(dependencyDir, path.join(destination, 'node_modules', dependency), (value: string) => value, nodeModulesMatcher.patterns);
      const filter = matcher.createFilter();
      const packageJson = path.join(dependencyDir, 'package.json');
      const stats = Object.assign(await stat(packageJson), { moduleFullFilePath: `node_modules/${dependency}/package.json` });
      expect(filter(packageJson, stats), dependency).toBe(false);
    }
  });

  it('include the file package.json "main" names', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toMatch(/^electron\/dist\/.+\.js$/);
  });
});
