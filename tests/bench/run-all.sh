#!/usr/bin/env bash
# Runs every benchmark in tests/bench (each top-level *.ts file; shared helpers belong in subfolders)
# and prints their figures. Benchmarks do not pass or fail: a non-zero exit means one could not run.
set -uo pipefail
cd "$(dirname "$0")/../.."

# The web client the browser benchmarks load.
[ -f renderer/dist/index.html ] || npm run build:renderer || exit 1

status=0
for bench in tests/bench/*.ts; do
  echo "=== ${bench}"
  node --import tsx "${bench}" || status=1
  echo
done
exit "${status}"
