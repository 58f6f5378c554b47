#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test: type checks, unit and integration
# tests (Vitest, real mediasoup workers and databases), and end-to-end tests (Playwright in
# Debian's Chromium against the real server). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test || exit 1
rm -rf test-results && mkdir -p test-results

status=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "type check (renderer, server, Electron main and preload)"
if npm run --silent typecheck; then echo '{"passed":1,"failed":0}' > test-results/typecheck.json
else echo '{"passed":0,"failed":1}' > test-results/typecheck.json; status=1; fi

step "build (web client, Electron main and preload)"
if ! npm run --silent build; then echo '{"passed":0,"failed":1}' > test-results/build.json; status=1
else echo '{"passed":1,"failed":0}' > test-results/build.json; fi

step "unit and integration tests (Vitest)"
# Each runner's exit code is kept too: the summary counts a runner that failed without saying
# which test failed (an unhandled rejection, a crash) as a failure.
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json
code=$?; echo "$code" > test-results/unit.exit; [ "$code" -ne 0 ] && status=1

step "end-to-end tests (Playwright, Debian Chromium, real server and SFU)"
npx playwright test
code=$?; echo "$code" > test-results/e2e.exit; [ "$code" -ne 0 ] && status=1

node scripts/test-summary.mjs test-results | tee test-results/summary.txt
summary_status=${PIPESTATUS[0]}
[ "$summary_status" -ne 0 ] && status=1
exit $status
