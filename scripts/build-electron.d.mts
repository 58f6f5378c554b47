import type { Metafile } from 'esbuild';

/** Packages main loads at run time from node_modules (native, or loaded through createRequire). */
export declare const NATIVE_PACKAGES: string[];
/** Builds into `outdir` (default electron/dist, emptied first); resolves to esbuild's metafiles. */
export declare function buildElectron(options?: { outdir?: string; minify?: boolean }): Promise<{ main: Metafile; preload: Metafile }>;
