#!/usr/bin/env bash
# The main job on the embedded default. For now: analyze a sample budget file (later: the server).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node22.sh
bash scripts/ensure-deps.sh
if [ "$#" -eq 0 ]; then set -- analyze test/fixtures/corpus/budget-wide-fy2026.xlsx; fi
exec npx budget-sync "$@"
