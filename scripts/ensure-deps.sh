#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than the lock file (Node 22 must be on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "budget-sync: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=warn >&2
fi
