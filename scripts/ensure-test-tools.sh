#!/usr/bin/env bash
# Makes sure the programs the tests start are on this machine: Debian's chromium (browser and
# end-to-end tests) and redis-server (the shared replay store's tests). Installs what is missing
# with apt-get when it runs as root, otherwise says what to install. Quiet when all is there.
set -euo pipefail

missing=()
if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  missing+=(chromium)
fi
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the tests (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need ${missing[*]}: install them first, e.g. sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
