#!/usr/bin/env bash
# The main job: `budget-sync serve` on the embedded default (or DATABASE_URL) — the API, the web console
# and the ingest worker with the ./inbox folder. On a fresh machine it first puts Node 22 on PATH and
# installs the dependencies with it (so native add-ons are built for the Node that runs them). Flags
# (--port, --host, --inbox, --no-worker) go to serve; a command name (e.g. `analyze FILE`) runs that
# command instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# `npm start --port 8790` reaches us as npm config, not as flags: npm reads an unknown `--port` as a
# switch (npm_config_port=true) and hands us `8790` as a bare argument; `--port=8790` arrives as
# npm_config_port=8790 and `--no-worker` as npm_config_worker=false. Put them back as serve's flags.
if [ "${npm_lifecycle_event:-}" = "start" ]; then
  flags=()
  switched=()
  for name in port host inbox; do
    var="npm_config_${name}"
    value="${!var:-}"
    if [ "$value" = "true" ]; then switched+=("$name"); elif [ -n "$value" ]; then flags+=("--$name" "$value"); fi
  done
  [ "${npm_config_worker:-}" = "false" ] && flags+=("--no-worker")
  if [ "${#switched[@]}" -eq 1 ] && [ "$#" -ge 1 ] && [ "${1#-}" = "$1" ] && [[ "$1" != *[!0-9.:a-zA-Z/_-]* ]]; then
    flags+=("--${switched[0]}" "$1")
    shift
  elif [ "${#switched[@]}" -gt 1 ]; then
    echo "budget-sync: npm took the flags --${switched[*]// / --} for itself; pass them after --, e.g. npm start -- --port 8790 --host 0.0.0.0" >&2
    exit 2
  fi
  set -- "${flags[@]}" "$@"
fi

. scripts/node22.sh
bash scripts/ensure-deps.sh
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then set -- serve "$@"; fi
exec node cli/bin/budget-sync.js "$@"
