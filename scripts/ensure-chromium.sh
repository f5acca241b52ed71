#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests; never download a browser build.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium ontbreekt; installeren met apt-get (Debian-pakket 'chromium')…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<MSG
Chromium ontbreekt en kan hier niet automatisch worden geïnstalleerd (geen root of geen apt-get).
Installeer het Debian-pakket 'chromium' (sudo apt-get install chromium) of zet
WEERBAAR_CHROMIUM naar een Chromium-binary. De browsertests worden anders overgeslagen.
MSG
exit 0
