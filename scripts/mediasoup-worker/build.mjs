#!/usr/bin/env node
// Builds mediasoup's C++ worker offline, against Debian's packages, with the
// project's patch. See README.md beside this file.
//
//   node scripts/mediasoup-worker/build.mjs              build into the cache (no-op if already there)
//   node scripts/mediasoup-worker/build.mjs --force      rebuild even if cached
//   node scripts/mediasoup-worker/build.mjs --if-needed  (npm postinstall) only if no usable worker exists;
//                                                        never fails npm install for missing tools
//   node scripts/mediasoup-worker/build.mjs --print-path print the worker the server will use, exit 1 if none
//
// Env: PHONGHOP_WORKER_CACHE (cache root, default <repo>/.cache/mediasoup-worker),
//      MEDIASOUP_WORKER_BIN (an existing worker: --if-needed then does nothing).
//
// Plain Node ESM, no dependencies (Node 20).

import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  DEFAULT_REPO_ROOT,
  RECIPE,
  RECIPE_DIR,
  WORKER_SANITY_EXIT_CODE,
  cacheKey,
  cacheRoot,
  cachedWorkerPath,
  compatFiles,
  isExecutableFile,
  mediasoupDir,
  mediasoupVersion,
  patchFiles,
  prebuiltWorkerPath,
  resolveWorker,
} from './worker-path.mjs';

const TAG = '[mediasoup-worker]';
const REPO_ROOT = DEFAULT_REPO_ROOT;

// Tools and pkg-config modules the build needs, with the Debian package for each.
const TOOLS = [
  { cmd: 'meson', pkg: 'meson' },
  { cmd: 'ninja', pkg: 'ninja-build' },
  { cmd: 'flatc', pkg: 'flatbuffers-compiler' },
  { cmd: 'pkg-config', pkg: 'pkg-config' },
  { cmd: 'g++', pkg: 'g++' },
  { cmd: 'gcc', pkg: 'g++' },
  { cmd: 'patch', pkg: 'patch' },
];
const PKG_CONFIG_MODULES = [
  { mod: 'libuv', pkg: 'libuv1-dev' },
  { mod: 'openssl', pkg: 'libssl-dev' },
  { mod: 'libsrtp2', pkg: 'libsrtp2-dev' },
  { mod: 'flatbuffers', pkg: 'libflatbuffers-dev' },
  { mod: 'absl_strings', pkg: 'libabsl-dev' },
  { mod: 'absl_optional', pkg: 'libabsl-dev' },
  { mod: 'absl_memory', pkg: 'libabsl-dev' },
];
const ALL_APT_PACKAGES = [
  'g++',
  'pkg-config',
  'meson',
  'ninja-build',
  'patch',
  'libssl-dev',
  'libuv1-dev',
  'libsrtp2-dev',
  'libabsl-dev',
  'libflatbuffers-dev',
  'flatbuffers-compiler',
];

function log(msg) {
  process.stdout.write(`${TAG} ${msg}\n`);
}

function warn(msg) {
  process.stderr.write(`${TAG} WARNING: ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`${TAG} ERROR: ${msg}\n`);
}

function usage() {
  process.stdout.write(
    [
      'Usage: node scripts/mediasoup-worker/build.mjs [--if-needed | --force | --print-path]',
      '',
      '  (no option)   build the worker into the cache, unless it is already there',
      '  --force       rebuild even if the cached worker exists',
      '  --if-needed   do nothing if a usable worker exists (MEDIASOUP_WORKER_BIN, cache,',
      "                mediasoup's prebuilt); if build tools are missing, warn and exit 0",
      '  --print-path  print the worker path the server would use; exit 1 if none',
      '',
      `Cache root: ${cacheRoot(REPO_ROOT)} (env PHONGHOP_WORKER_CACHE overrides)`,
      '',
    ].join('\n'),
  );
}

function formatDuration(ms) {
  const s = Math.round(ms / 1000);

  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Runs the worker the way build.mjs checks it: empty environment, no args. A
 * correct worker started outside mediasoup (no channel) exits with 41; a worker
 * whose shared libraries are missing exits 127 (or is killed by a signal).
 * @returns {{ ok: boolean, detail: string }}
 */
function sanityCheck(bin) {
  const res = spawnSync(bin, [], { env: {}, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

  if (res.error) {
    return { ok: false, detail: `could not run it: ${res.error.message}` };
  }

  if (res.status === WORKER_SANITY_EXIT_CODE) {
    return { ok: true, detail: `exit code ${res.status}` };
  }

  const stderr = String(res.stderr ?? '').trim().split('\n').slice(-3).join(' | ');

  return {
    ok: false,
    detail: `exit code ${res.status}${res.signal ? `, signal ${res.signal}` : ''}${stderr ? `: ${stderr}` : ''}`,
  };
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, cmd))) {
      return path.join(dir, cmd);
    }
  }

  return null;
}

/** @returns {{ missing: string[], packages: string[] }} what is missing and the Debian packages that bring it. */
function checkBuildDeps() {
  const missing = [];
  const packages = new Set();

  for (const { cmd, pkg } of TOOLS) {
    if (!which(cmd)) {
      missing.push(`command ${cmd}`);
      packages.add(pkg);
    }
  }

  if (which('pkg-config')) {
    for (const { mod, pkg } of PKG_CONFIG_MODULES) {
      const res = spawnSync('pkg-config', ['--exists', mod], { stdio: 'ignore' });

      if (res.status !== 0) {
        missing.push(`pkg-config module ${mod}`);
        packages.add(pkg);
      }
    }
  } else {
    for (const { mod, pkg } of PKG_CONFIG_MODULES) {
      missing.push(`pkg-config module ${mod}`);
      packages.add(pkg);
    }
  }

  // Debian's meson 1.0.1 is enough; older is not.
  if (which('meson')) {
    const res = spawnSync('meson', ['--version'], { encoding: 'utf8' });
    const [major, minor] = String(res.stdout ?? '').trim().split('.').map(Number);

    if (!(major > 1 || (major === 1 && minor >= 0))) {
      missing.push(`meson >= 1.0.0 (found ${String(res.stdout ?? '').trim() || 'unknown'})`);
      packages.add('meson');
    }
  }

  return { missing, packages: ALL_APT_PACKAGES.filter((p) => packages.has(p)) };
}

function aptCommand(packages) {
  const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? 'sudo ' : '';

  return `${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * Runs a command, appending its output to the log stream. `onLine` sees each
 * output line (for progress).
 * @returns {Promise<void>}
 */
function run(cmd, args, { cwd, logStream, onLine, env = process.env }) {
  return new Promise((resolve, reject) => {
    logStream.write(`\n$ ${[cmd, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}\n`);

    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';

    const onData = (chunk) => {
      logStream.write(chunk);

      if (onLine) {
        pending += chunk.toString('utf8');

        const lines = pending.split('\n');

        pending = lines.pop() ?? '';

        for (const line of lines) {
          onLine(line);
        }
      }
    };

    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new Error(`${cmd}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (onLine && pending) {
        onLine(pending);
      }

      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${cmd} ${args[0] ?? ''} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
      }
    });
  });
}

/** The log from ninja's first "FAILED:" (compiler errors) if any, else its last lines. */
function tailOfLog(file, lines) {
  try {
    const all = readFileSync(file, 'utf8').split('\n');
    const failed = all.findIndex((l) => l.startsWith('FAILED:'));

    return failed >= 0 ? all.slice(failed, failed + 2 * lines).join('\n') : all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);

    return true;
  } catch (error) {
    return error?.code === 'EPERM';
  }
}

/** Removes build-<key>-<pid> folders left by interrupted builds whose process is gone. */
function removeStaleScratchDirs(root) {
  let names = [];

  try {
    names = readdirSync(root);
  } catch {
    return;
  }

  for (const name of names) {
    const m = /^build-.+-(\d+)$/.exec(name);

    if (m && Number(m[1]) !== process.pid && !isProcessAlive(Number(m[1]))) {
      rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
}

async function build() {
  const version = mediasoupVersion(REPO_ROOT);

  if (!version) {
    throw new Error(`mediasoup is not installed (${mediasoupDir(REPO_ROOT)}): run npm install first`);
  }

  const srcWorker = path.join(mediasoupDir(REPO_ROOT), 'worker');

  if (!existsSync(path.join(srcWorker, 'meson.build'))) {
    throw new Error(`${srcWorker}/meson.build not found: the mediasoup package has no worker sources`);
  }

  const patches = patchFiles(version);

  if (patches.length === 0) {
    const available = patchFiles().map((p) => path.basename(p)).join(', ') || 'none';

    throw new Error(
      `no patch for mediasoup ${version} in ${RECIPE_DIR} (mediasoup-${version}-*.patch; found: ${available}). ` +
        'package.json pins mediasoup to the version the patch was written for.',
    );
  }

  const key = cacheKey(REPO_ROOT);
  const root = cacheRoot(REPO_ROOT);
  const finalDir = path.join(root, key);
  const finalBin = path.join(finalDir, 'mediasoup-worker');
  const scratch = path.join(root, `build-${key}-${process.pid}`);
  const workDir = path.join(scratch, 'worker');
  const outDir = path.join(scratch, 'out');
  const logFile = path.join(finalDir, 'build.log');
  const jobs = Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const started = Date.now();

  mkdirSync(finalDir, { recursive: true });
  removeStaleScratchDirs(root);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });

  const logStream = createWriteStream(logFile, { flags: 'w' });

  logStream.write(`mediasoup-worker offline build, mediasoup ${version}, key ${key}, ${new Date().toISOString()}\n`);

  log(`building mediasoup ${version} worker (key ${key}) with ${jobs} job(s); takes 4-14 min on 2 cores, depending on load`);
  log(`log: ${logFile}`);

  const stepTimes = {};
  const step = async (name, fn) => {
    const t0 = Date.now();

    log(`${name}...`);
    logStream.write(`\n===== ${name} =====\n`);
    await fn();
    stepTimes[name] = Date.now() - t0;
  };

  try {
    await step('copying worker sources', async () => {
      cpSync(srcWorker, workDir, {
        recursive: true,
        // Leftovers of a previous in-place build are not sources.
        filter: (src) => path.relative(srcWorker, src).split(path.sep)[0] !== 'out',
      });

      for (const file of compatFiles()) {
        const dest = path.join(workDir, RECIPE.compatDir, path.relative(path.join(RECIPE_DIR, RECIPE.compatDir), file));

        mkdirSync(path.dirname(dest), { recursive: true });
        copyFileSync(file, dest);
      }
    });

    await step(`applying ${patches.map((p) => path.basename(p)).join(', ')}`, async () => {
      for (const patch of patches) {
        await run('patch', ['-p1', '--forward', '--batch', '--no-backup-if-mismatch', '-i', patch], {
          cwd: workDir,
          logStream,
        });
      }

      for (const wrap of RECIPE.removeWraps) {
        rmSync(path.join(workDir, 'subprojects', `${wrap}.wrap`), { force: true });
      }

      logStream.write(`removed wraps: ${RECIPE.removeWraps.join(', ')}\n`);
    });

    // The flatbuffers C++ headers (fbs/*.fbs -> FBS/*.h) are regenerated during
    // the build by the system flatc (the FBS custom target), so they always
    // match the system flatbuffers headers.
    const flatcVersion = String(spawnSync('flatc', ['--version'], { encoding: 'utf8' }).stdout ?? '').trim();

    logStream.write(`flatbuffers headers are generated by ${which('flatc')} (${flatcVersion})\n`);

    await step('meson setup', () =>
      run('meson', ['setup', ...RECIPE.mesonSetupArgs, outDir, workDir], { logStream }),
    );

    let total = 0;
    let lastShown = 0;
    let lastShownAt = 0;
    const ninjaStart = Date.now();

    await step(`compiling (ninja -j${jobs} ${RECIPE.ninjaTarget})`, () =>
      run('ninja', ['-C', outDir, `-j${jobs}`, RECIPE.ninjaTarget], {
        logStream,
        onLine: (line) => {
          const m = /^\[(\d+)\/(\d+)\]/.exec(line);

          if (!m) {
            return;
          }

          const done = Number(m[1]);

          total = Number(m[2]);

          // A line at each 10 % or every 30 s, whichever comes first.
          const now = Date.now();

          if (done === total || done - lastShown >= total / 10 || now - lastShownAt >= 30_000) {
            lastShown = done;
            lastShownAt = now;
            log(`  ${done}/${total} (${Math.round((100 * done) / total)}%) ${formatDuration(now - ninjaStart)}`);
          }
        },
      }),
    );

    const builtBin = path.join(outDir, RECIPE.ninjaTarget);

    await step('sanity check (empty env, expect exit code 41)', async () => {
      const res = sanityCheck(builtBin);

      logStream.write(`sanity check: ${res.detail}\n`);

      if (!res.ok) {
        throw new Error(`the built worker failed its sanity check: ${res.detail}`);
      }
    });

    await step('installing into the cache', async () => {
      const tmp = `${finalBin}.tmp-${process.pid}`;

      copyFileSync(builtBin, tmp);
      chmodSync(tmp, 0o755);
      renameSync(tmp, finalBin);

      const ldd = spawnSync('ldd', [finalBin], { encoding: 'utf8' });

      writeFileSync(
        path.join(finalDir, 'build-info.json'),
        `${JSON.stringify(
          {
            mediasoup: version,
            key,
            builtAt: new Date().toISOString(),
            durationMs: Date.now() - started,
            host: `${os.hostname()} ${process.platform}-${process.arch}, ${jobs} job(s)`,
            patches: patches.map((p) => path.basename(p)),
            recipe: RECIPE,
            flatc: flatcVersion,
            sizeBytes: statSync(finalBin).size,
            sharedLibraries: String(ldd.stdout ?? '')
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean),
          },
          null,
          2,
        )}\n`,
      );
    });
  } catch (error) {
    await new Promise((resolve) => logStream.end(resolve));
    fail(error instanceof Error ? error.message : String(error));
    process.stderr.write(`${TAG} ----- ${logFile} (end, or first failure) -----\n${tailOfLog(logFile, 40)}\n`);
    process.stderr.write(`${TAG} ----- end of log; build folder kept for inspection: ${scratch}\n`);

    return false;
  }

  await new Promise((resolve) => logStream.end(resolve));
  rmSync(scratch, { recursive: true, force: true });

  log(`done in ${formatDuration(Date.now() - started)}: ${finalBin}`);

  return true;
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const known = new Set(['--if-needed', '--force', '--print-path', '--help', '-h']);

  for (const arg of args) {
    if (!known.has(arg)) {
      fail(`unknown option ${arg}`);
      usage();

      return 2;
    }
  }

  if (args.has('--help') || args.has('-h')) {
    usage();

    return 0;
  }

  if (args.has('--print-path')) {
    const resolved = resolveWorker(REPO_ROOT);

    if (!resolved) {
      process.stderr.write(`${TAG} no mediasoup-worker found: run npm run worker\n`);

      return 1;
    }

    process.stdout.write(`${resolved.path}\n`);

    return 0;
  }

  const ifNeeded = args.has('--if-needed');
  const force = args.has('--force');

  if (ifNeeded) {
    // (a) An explicit worker.
    const fromEnv = process.env.MEDIASOUP_WORKER_BIN;

    if (fromEnv) {
      if (isExecutableFile(fromEnv)) {
        log(`MEDIASOUP_WORKER_BIN=${fromEnv} exists: nothing to build`);

        return 0;
      }

      warn(`MEDIASOUP_WORKER_BIN=${fromEnv} is not an executable file: ignoring it`);
    }

    // (b) Our cached build (checked to still run: its system libraries may be gone).
    const cached = cachedWorkerPath(REPO_ROOT);

    if (cached && isExecutableFile(cached)) {
      const res = sanityCheck(cached);

      if (res.ok) {
        log(`cached worker is up to date: ${cached}`);

        return 0;
      }

      warn(`cached worker ${cached} does not run (${res.detail}): rebuilding`);
    }

    // (c) mediasoup's own prebuilt worker (a normal online install).
    const prebuilt = prebuiltWorkerPath(REPO_ROOT);

    if (isExecutableFile(prebuilt)) {
      log(`mediasoup's prebuilt worker exists: ${prebuilt}`);

      return 0;
    }
  } else if (!force) {
    const cached = cachedWorkerPath(REPO_ROOT);

    if (cached && isExecutableFile(cached) && sanityCheck(cached).ok) {
      log(`already built: ${cached} (use --force to rebuild)`);

      return 0;
    }
  }

  if (!mediasoupVersion(REPO_ROOT)) {
    const msg = `mediasoup is not installed in ${mediasoupDir(REPO_ROOT)}`;

    if (ifNeeded) {
      warn(`${msg}: not building the worker`);

      return 0;
    }

    fail(msg);

    return 1;
  }

  // (d) Build it.
  if (process.platform !== 'linux') {
    const msg =
      `the offline worker build supports Linux (Debian) only; on ${process.platform} use mediasoup's ` +
      'own install (online), or set MEDIASOUP_WORKER_BIN to a worker binary';

    if (ifNeeded) {
      log(`note: ${msg}`);

      return 0;
    }

    fail(msg);

    return 1;
  }

  const deps = checkBuildDeps();

  if (deps.missing.length > 0) {
    const lines = [
      `cannot build the mediasoup worker, missing: ${deps.missing.join(', ')}`,
      'install them with (after apt-get update on a fresh machine):',
      `    ${aptCommand(deps.packages)}`,
      'then run: npm run worker',
    ];

    if (ifNeeded) {
      warn(`${lines.join(`\n${TAG}   `)}\n${TAG}   (npm install goes on; the SFU server will not start without a worker)`);

      return 0;
    }

    fail(lines.join(`\n${TAG}   `));

    return 1;
  }

  return (await build()) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
