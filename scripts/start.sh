#!/usr/bin/env bash
# The main job: `budget-sync serve` on the embedded default (or DATABASE_URL) — the API, the web console
# and the ingest worker with the ./inbox folder. On a fresh machine it first puts Node 22 on PATH and
# installs the dependencies. Flags (--port, --host, --inbox, --no-worker) go to serve; a command name
# (e.g. `analyze FILE`) runs that command instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node22.sh
bash scripts/ensure-deps.sh
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then set -- serve "$@"; fi
exec node cli/bin/budget-sync.js "$@"
