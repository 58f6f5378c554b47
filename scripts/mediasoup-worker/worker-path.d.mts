// Typings for worker-path.mjs (plain ESM, no build step).

export interface ResolvedWorker {
  /** Absolute path of the mediasoup-worker executable. */
  path: string;
  /** env: MEDIASOUP_WORKER_BIN; cache: built by build.mjs; prebuilt: mediasoup's own download. */
  source: 'env' | 'cache' | 'prebuilt';
}

/** The repository root (two folders above worker-path.mjs). */
export const DEFAULT_REPO_ROOT: string;
/** scripts/mediasoup-worker/ */
export const RECIPE_DIR: string;
/** Build recipe, part of the cache key. */
export const RECIPE: Readonly<{
  recipe: number;
  removeWraps: readonly string[];
  mesonSetupArgs: readonly string[];
  ninjaTarget: string;
  compatDir: string;
}>;
/** mediasoup-worker run with an empty environment exits with this code. */
export const WORKER_SANITY_EXIT_CODE: number;

export function cacheRoot(repoRoot?: string, env?: NodeJS.ProcessEnv): string;
export function mediasoupDir(repoRoot?: string): string;
export function mediasoupVersion(repoRoot?: string): string | null;
/** mediasoup-<version>-*.patch files of this folder (all *.patch without a version). */
export function patchFiles(version?: string | null): string[];
export function compatFiles(): string[];
export function inputsHash(version?: string | null): string;
export function cacheKey(repoRoot?: string): string | null;
export function cachedWorkerPath(repoRoot?: string, env?: NodeJS.ProcessEnv): string | null;
export function prebuiltWorkerPath(repoRoot?: string): string;
export function isExecutableFile(file: string | null | undefined): boolean;

/** env MEDIASOUP_WORKER_BIN, then the build cache, then mediasoup's prebuilt binary; null if none. */
export function resolveWorker(repoRoot?: string, env?: NodeJS.ProcessEnv): ResolvedWorker | null;
/** Same as resolveWorker(), path only. */
export function resolveWorkerBin(repoRoot?: string, env?: NodeJS.ProcessEnv): string | null;
/**
 * Sets process.env.MEDIASOUP_WORKER_BIN to the resolved worker (call it before
 * mediasoup is imported) and returns it; null (environment untouched) if none.
 */
export function setMediasoupWorkerBinEnv(repoRoot?: string): ResolvedWorker | null;
