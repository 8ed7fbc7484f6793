#!/usr/bin/env bash
# Lints the OpenAPI document a running server serves, as integrators see it, with Redocly's recommended
# rules and the single exceptions of .redocly.lint-ignore.yaml:  npm run lint:openapi [-- URL]
# (default http://127.0.0.1:8787). The test suite does the same on the app (test/edge/openapi-client.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node22.sh
url="${1:-http://127.0.0.1:8787}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsS "$url/api/openapi.json" -o "$work/openapi.json"
cp redocly.yaml .redocly.lint-ignore.yaml "$work/"
cd "$work"
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$OLDPWD/node_modules/.bin/redocly" lint openapi.json
