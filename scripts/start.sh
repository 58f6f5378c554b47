#!/usr/bin/env bash
# `npm start`: installs what is missing, then starts the server (web client, API, signaling, SFU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node --import tsx sfu-server/src/main.ts
