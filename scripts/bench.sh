#!/usr/bin/env bash
# npm run bench: benchmarks on Node 22 (stdout carries only the results; progress goes to stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node22.sh >&2
bash scripts/ensure-deps.sh
exec node bench/run.ts "$@"
