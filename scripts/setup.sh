#!/bin/sh
# Idempotent set-up for a fresh Debian machine with Node 20: system libraries that
# node-canvas builds against (and, for the tests, systemd-analyze and chromium), then the npm dependencies
# (native addons build from source).
set -eu
cd "$(dirname "$0")/.."

missing=""
for pkg in libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
# The tests verify the systemd unit with systemd-analyze (package systemd) and drive the desk in Debian's
# chromium (through playwright-core, which downloads no browser); only they need them.
if [ "${npm_lifecycle_event:-}" = pretest ]; then
  command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
fi
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

stamp=node_modules/.oi-tracker-setup
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing npm dependencies (native modules build from source; first run takes a few minutes)"
  npm ci --no-audit --no-fund --loglevel=error
  node -e "require('better-sqlite3'); require('canvas')" 
  touch "$stamp"
fi
