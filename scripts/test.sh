#!/usr/bin/env bash
# Runs every test. On a fresh machine it first puts Node 22 on PATH and installs the dependencies;
# it installs any missing system package the tests need when run as root, or says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node22.sh
bash scripts/ensure-deps.sh
bash scripts/ensure-sshd.sh
bash scripts/ensure-chromium.sh
npx vitest run "$@"
