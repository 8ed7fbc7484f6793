#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than the lock file (Node 22 must be on PATH),
# and rebuilds the native add-ons (ssh2's crypto) when they were built for another Node: `npm install`
# run with an older Node on PATH builds them for that Node, and Node 22 then cannot load them ("Module did
# not self-register") — SFTP would fall back to slow JavaScript crypto without a word.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.budget-sync-node-abi
abi="$(node -p 'process.versions.modules')"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "budget-sync: installing npm dependencies with Node $(node --version) (npm ci; about a minute the first time)" >&2
  npm ci --no-audit --no-fund --loglevel=notice >&2
  echo "$abi" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$abi" ]; then
  echo "budget-sync: rebuilding native add-ons for Node $(node --version) (they were installed with another Node)" >&2
  npm rebuild --loglevel=warn >&2
  echo "$abi" > "$stamp"
fi
