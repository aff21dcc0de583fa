#!/usr/bin/env bash
# Installs the Debian tools the packaging tests and `bun run package` need, skipping what is present.
#   dpkg-deb/dpkg-architecture (dpkg-dev), lintian, ruby (`ruby -c` on the formula),
#   systemd (`systemd-analyze verify/security/syscall-filter`), adduser + passwd (postinst), zip (Windows
#   archive), binutils (readelf: the libc6 dependency), strace (the seccomp-filter test).
# Idempotent and quiet when everything is already installed; needs root (or sudo) otherwise.
set -euo pipefail

want=(dpkg-dev lintian ruby systemd init-system-helpers adduser passwd util-linux zip unzip xz-utils binutils strace)
missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ci-deps: all packaging tools present"
  exit 0
fi

echo "ci-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ci-deps: not root and no sudo; packaging tests that need ${missing[*]} will skip" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
