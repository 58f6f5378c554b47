#!/usr/bin/env bash
# Installs what Phòng họp needs on a Debian/Ubuntu machine: system packages, npm packages, the
# mediasoup worker (built offline from Debian packages, cached) and the web client.
#   bash scripts/setup.sh          what the server needs
#   bash scripts/setup.sh --test   plus what the tests need (Chromium, PostgreSQL, poppler, SoftHSM2,
#                                  iptables and iproute2 (ip netns, tc) for the weak-link harness, coturn for the TURN relay
#                                  test, strace for the fault tests, redis-server for the cluster tests)
# Several servers (docs/ARCHITECTURE.md, "Several servers") need PostgreSQL and Redis (Debian's
# postgresql and redis-server), run by the operator; one server needs neither.
# Idempotent: a second run only checks. As root it installs system packages itself; otherwise it
# prints the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Node.js ---------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  say "Node.js 20 or newer is required (https://nodejs.org, or NodeSource's Debian packages)."
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  say "Node.js $(node --version) is too old: version 20 or newer is required."
  exit 1
fi

# --- system packages -------------------------------------------------------------------------
# Building the mediasoup worker and native addons (better-sqlite3), and the worker's run-time libraries.
pkgs=(g++ make python3 pkg-config meson ninja-build patch libssl-dev libuv1-dev libsrtp2-dev libabsl-dev
      libflatbuffers-dev flatbuffers-compiler fonts-dejavu-core
      ffmpeg)  # ffmpeg: recording and broadcast (media out of the SFU); DejaVu: labels and signature stamps
if [ "$want_test" = 1 ]; then
  pkgs+=(chromium poppler-utils libnss3-tools postgresql redis-server softhsm2 opensc iptables iproute2 coturn strace)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    $cmd -qq
  else
    say "missing system packages; run as root:"
    echo "  sudo apt-get update && sudo $cmd"
    exit 1
  fi
fi

# --- npm packages ----------------------------------------------------------------------------
# mediasoup's own postinstall downloads a prebuilt worker from the internet; setting
# MEDIASOUP_WORKER_BIN makes it skip that, and our postinstall builds the worker offline.
# `npm install --no-save` rather than `npm ci`: on a closed network the registry mirror may lack
# other platforms' optional packages (e.g. rollup's darwin or android builds), which the lock file
# then cannot list and `npm ci` refuses; `npm install` installs exactly the locked versions of
# what this platform needs and leaves package-lock.json untouched.
stamp=node_modules/.phonghop-install-stamp
lock_hash=$(sha256sum package-lock.json package.json | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing npm packages"
  MEDIASOUP_WORKER_BIN=built-offline-by-postinstall npm install --no-save --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
fi
node scripts/mediasoup-worker/build.mjs --if-needed

# --- the web client --------------------------------------------------------------------------
if [ ! -f renderer/dist/index.html ] || [ -n "$(find renderer/src renderer/index.html renderer/public common -newer renderer/dist/index.html -type f 2>/dev/null | head -n1)" ]; then
  say "building the web client"
  npm run --silent build:renderer
fi
say "ready"
