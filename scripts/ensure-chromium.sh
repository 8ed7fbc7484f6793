#!/usr/bin/env bash
# The add-on's sidebar tests drive Debian's Chromium through playwright-core (DESIGN §4). Installs the
# Debian package chromium when /usr/bin/chromium is missing and we are root; otherwise says what to install.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "budget-sync: installing chromium for the add-on sidebar tests (apt-get)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  exit 0
fi
echo "budget-sync: /usr/bin/chromium is missing. The add-on sidebar tests need it: install the Debian package chromium (sudo apt-get install chromium), then run the tests again." >&2
exit 1
