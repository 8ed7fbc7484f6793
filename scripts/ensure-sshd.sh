#!/usr/bin/env bash
# The SFTP tests run a private OpenSSH server (DESIGN §4). Installs Debian's openssh-server when sshd is
# missing and we are root; otherwise says exactly what to install.
set -euo pipefail
if [ -x /usr/sbin/sshd ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "budget-sync: installing openssh-server for the SFTP tests (apt-get)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >&2
  # Debian starts the system sshd on install; the tests run their own on a free port and do not need it.
  exit 0
fi
echo "budget-sync: /usr/sbin/sshd is missing. The SFTP tests need it: install the Debian package openssh-server (sudo apt-get install openssh-server), then run the tests again." >&2
exit 1
