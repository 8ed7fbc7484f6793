#!/usr/bin/env bash
# npm run bench: benchmarks on Node 22 (stdout carries only the results; progress goes to stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node22.sh >&2
bash scripts/ensure-deps.sh
# The ingest suite downloads from a private OpenSSH sshd (installed here when missing, as for the tests).
bash scripts/ensure-sshd.sh >&2
exec node bench/run.ts "$@"
