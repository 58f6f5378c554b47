// Where the mediasoup C++ worker binary is, for the SFU server and for build.mjs.
//
// Plain Node ESM with no dependencies, so it can run from npm's postinstall
// before anything else is built. Typings: worker-path.d.mts.
//
// Resolution order (resolveWorker / resolveWorkerBin):
//   1. env MEDIASOUP_WORKER_BIN, if it names an existing executable file;
//   2. the binary that build.mjs built and cached for this mediasoup version and
//      these build inputs: <cache root>/<version>-<hash12>/mediasoup-worker, the
//      cache root being env PHONGHOP_WORKER_CACHE or <repo>/.cache/mediasoup-worker;
//   3. mediasoup's own prebuilt node_modules/mediasoup/worker/out/Release/mediasoup-worker
//      (what a normal, online `npm install` of mediasoup downloads).

import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (this file lives in <repo>/scripts/mediasoup-worker/). */
export const DEFAULT_REPO_ROOT = path.resolve(HERE, '..', '..');

/** This folder: the patch, the compat headers, the scripts. */
export const RECIPE_DIR = HERE;

/**
 * What build.mjs does, as data. It is part of the cache key: changing any of it
 * (or the patch, or a compat header) gives a new cache folder, hence a rebuild.
 * Messages, logging and the rest of build.mjs are deliberately not part of it.
 */
export const RECIPE = Object.freeze({
  recipe: 1,
  // Meson wraps that would be downloaded; the system (Debian) packages are used.
  removeWraps: ['libuv', 'openssl', 'libsrtp3', 'flatbuffers', 'abseil-cpp', 'unordered-dense'],
  mesonSetupArgs: ['--wrap-mode=nodownload', '--buildtype', 'release', '-Db_ndebug=true', '-Db_colorout=never'],
  ninjaTarget: 'mediasoup-worker',
  // Copied into the worker source tree as compat/ (headers the patch refers to).
  compatDir: 'compat',
});

/** Exit code of mediasoup-worker started outside mediasoup (no channel fds / no env). */
export const WORKER_SANITY_EXIT_CODE = 41;

/** @returns {string} the cache root folder. */
export function cacheRoot(repoRoot = DEFAULT_REPO_ROOT, env = process.env) {
  const fromEnv = env.PHONGHOP_WORKER_CACHE;

  if (fromEnv && fromEnv.trim() !== '') {
    return path.resolve(repoRoot, fromEnv);
  }

  return path.join(repoRoot, '.cache', 'mediasoup-worker');
}

/** @returns {string} node_modules/mediasoup of the repository. */
export function mediasoupDir(repoRoot = DEFAULT_REPO_ROOT) {
  return path.join(repoRoot, 'node_modules', 'mediasoup');
}

/** @returns {string | null} the installed mediasoup version, or null if not installed. */
export function mediasoupVersion(repoRoot = DEFAULT_REPO_ROOT) {
  try {
    const pkg = JSON.parse(readFileSync(path.join(mediasoupDir(repoRoot), 'package.json'), 'utf8'));

    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/**
 * The patch files for a mediasoup version, applied in name order: the files
 * named mediasoup-<version>-*.patch in this folder. Without a version, all of
 * this folder's *.patch files.
 * @param {string | null} [version]
 * @returns {string[]}
 */
export function patchFiles(version = null) {
  const prefix = version ? `mediasoup-${version}-` : '';

  return readdirSync(RECIPE_DIR)
    .filter((name) => name.endsWith('.patch') && name.startsWith(prefix))
    .sort()
    .map((name) => path.join(RECIPE_DIR, name));
}

function listFilesRecursive(dir) {
  if (!existsSync(dir)) {
    return [];
  }

  const out = [];

  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);

    if (entry.isDirectory()) {
      out.push(...listFilesRecursive(full));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }

  return out.sort();
}

/** @returns {string[]} the compat files copied into the worker tree (sorted). */
export function compatFiles() {
  return listFilesRecursive(path.join(RECIPE_DIR, RECIPE.compatDir));
}

/**
 * First 12 hex digits of the sha256 of every build input: the patch file(s)
 * for that mediasoup version, the compat files, the recipe and the platform.
 * @param {string | null} [version]
 * @returns {string}
 */
export function inputsHash(version = null) {
  const hash = createHash('sha256');

  hash.update(`platform ${process.platform}-${process.arch}\n`);
  hash.update(`recipe ${JSON.stringify(RECIPE)}\n`);

  for (const file of [...patchFiles(version), ...compatFiles()]) {
    const rel = path.relative(RECIPE_DIR, file).split(path.sep).join('/');
    const data = readFileSync(file);

    hash.update(`file ${rel} ${data.length}\n`);
    hash.update(data);
    hash.update('\n');
  }

  return hash.digest('hex').slice(0, 12);
}

/** @returns {string | null} "<mediasoupVersion>-<hash12>", or null if mediasoup is not installed. */
export function cacheKey(repoRoot = DEFAULT_REPO_ROOT) {
  const version = mediasoupVersion(repoRoot);

  return version ? `${version}-${inputsHash(version)}` : null;
}

/** @returns {string | null} where build.mjs puts (or put) the binary, or null if mediasoup is not installed. */
export function cachedWorkerPath(repoRoot = DEFAULT_REPO_ROOT, env = process.env) {
  const key = cacheKey(repoRoot);

  return key ? path.join(cacheRoot(repoRoot, env), key, 'mediasoup-worker') : null;
}

/** @returns {string} mediasoup's own prebuilt (downloaded) worker path. */
export function prebuiltWorkerPath(repoRoot = DEFAULT_REPO_ROOT) {
  return path.join(mediasoupDir(repoRoot), 'worker', 'out', 'Release', 'mediasoup-worker');
}

/** @returns {boolean} true if `file` is an existing regular file that we may execute. */
export function isExecutableFile(file) {
  if (!file) {
    return false;
  }

  try {
    if (!statSync(file).isFile()) {
      return false;
    }

    accessSync(file, constants.X_OK);

    return true;
  } catch {
    return false;
  }
}

/**
 * @typedef {{ path: string, source: 'env' | 'cache' | 'prebuilt' }} ResolvedWorker
 */

/**
 * Finds the worker binary: env MEDIASOUP_WORKER_BIN, then the build cache, then
 * mediasoup's prebuilt binary.
 * @param {string} [repoRoot]
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {ResolvedWorker | null}
 */
export function resolveWorker(repoRoot = DEFAULT_REPO_ROOT, env = process.env) {
  const fromEnv = env.MEDIASOUP_WORKER_BIN;

  if (fromEnv && isExecutableFile(fromEnv)) {
    return { path: path.resolve(fromEnv), source: 'env' };
  }

  const cached = cachedWorkerPath(repoRoot, env);

  if (cached && isExecutableFile(cached)) {
    return { path: cached, source: 'cache' };
  }

  const prebuilt = prebuiltWorkerPath(repoRoot);

  if (isExecutableFile(prebuilt)) {
    return { path: prebuilt, source: 'prebuilt' };
  }

  return null;
}

/**
 * The worker binary path, or null if there is none (run `npm run worker`).
 * @param {string} [repoRoot]
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | null}
 */
export function resolveWorkerBin(repoRoot = DEFAULT_REPO_ROOT, env = process.env) {
  return resolveWorker(repoRoot, env)?.path ?? null;
}

/**
 * For the server, before mediasoup is loaded (mediasoup reads
 * MEDIASOUP_WORKER_BIN when its module is evaluated): sets
 * process.env.MEDIASOUP_WORKER_BIN to the resolved worker and returns it.
 * Leaves the environment alone and returns null if no worker is found.
 * @param {string} [repoRoot]
 * @returns {ResolvedWorker | null}
 */
export function setMediasoupWorkerBinEnv(repoRoot = DEFAULT_REPO_ROOT) {
  const resolved = resolveWorker(repoRoot, process.env);

  if (resolved) {
    process.env.MEDIASOUP_WORKER_BIN = resolved.path;
  }

  return resolved;
}
