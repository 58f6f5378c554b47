// Bundles the Electron main process and its two preloads with esbuild (`npm run build:electron`,
// after `tsc -p electron/tsconfig.json --noEmit` has type-checked them).
//
// The installed app ships no node_modules except the PKCS#11 binding (see electron-builder.yml), so
// everything main needs is bundled: its own modules, common/, and the signing libraries (pkijs,
// asn1js, node-forge and their dependencies). The signing half stays in its own chunk, loaded on the
// first signature, as before. Kept external, and shipped as packages:
//   - electron: provided by the runtime;
//   - graphene-pk11 (loaded with createRequire on first token use) and the native addon it needs,
//     pkcs11js (a .node file cannot be bundled). NATIVE_PACKAGES is what electron-builder.yml keeps
//     of node_modules; tests/unit/electron/builder-config.test.ts checks that they agree.
//
//   electron/dist/main/index.js            main entry (ESM: the root package.json says "type": "module")
//   electron/dist/main/chunks/*.js         lazily loaded parts (the signing device's half)
//   electron/dist/preload/index.cjs        the page's preload (CommonJS, one file, requires only 'electron')
//   electron/dist/preload/signing-prompt.cjs  the signing prompt window's preload
//
//   node scripts/build-electron.mjs [--outdir <dir>]
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Packages main loads at run time from node_modules (native, or loaded through createRequire). */
export const NATIVE_PACKAGES = ['graphene-pk11', 'pkcs11js'];

// Electron 45 runs Node 22; the tests run the bundle in Node 20.
const TARGET = 'node20';

// Bundled CommonJS packages (node-forge) call require() for Node built-ins; an ES module has none.
const REQUIRE_SHIM = "import { createRequire as __phonghopCreateRequire } from 'node:module';\nconst require = __phonghopCreateRequire(import.meta.url);";

/** Builds into `outdir` (default electron/dist, emptied first); resolves to esbuild's metafiles. */
export async function buildElectron({ outdir = path.join(ROOT, 'electron', 'dist'), minify = false } = {}) {
  await rm(outdir, { recursive: true, force: true });
  const common = { absWorkingDir: ROOT, bundle: true, platform: 'node', target: TARGET, metafile: true, minify, logLevel: 'warning', legalComments: 'eof' };
  const main = esbuild.build({
    ...common,
    entryPoints: { 'main/index': 'electron/main/index.ts' },
    outdir,
    format: 'esm',
    splitting: true,
    chunkNames: 'main/chunks/[name]-[hash]',
    external: ['electron', ...NATIVE_PACKAGES],
    banner: { js: REQUIRE_SHIM },
  });
  // A sandboxed preload gets a reduced require that knows 'electron' and a few built-ins only.
  const preload = esbuild.build({
    ...common,
    entryPoints: { 'preload/index': 'electron/preload/index.cts', 'preload/signing-prompt': 'electron/preload/signing-prompt.cts' },
    outdir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
  });
  const [mainResult, preloadResult] = await Promise.all([main, preload]);
  return { main: mainResult.metafile, preload: preloadResult.metafile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? path.resolve(process.argv[at + 1]) : undefined;
  const { main } = await buildElectron({ outdir });
  const bytes = Object.values(main.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`electron main + preloads bundled (${Math.round(bytes / 1024)} KiB of main)`);
}
