#!/usr/bin/env bash
# Makes sure the Chromium the browser tests drive is installed: $CHROMIUM_PATH, else Debian's
# /usr/bin/chromium (Playwright cannot download its own browser here). Missing and root with
# apt-get: install Debian's package. Missing otherwise: stop with how to install it. The browser
# tests are part of `npm test`, so this never lets them be skipped silently.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$chromium" ]; then
  echo "Chromium: $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH is set to $CHROMIUM_PATH, which is not an executable file. Point it at a Chromium or Chrome binary, or unset it to use Debian's /usr/bin/chromium." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package (the browser tests need it)."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium
  [ -x "$chromium" ] || { echo "apt-get installed chromium but $chromium is still missing." >&2; exit 1; }
  echo "Chromium: $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

cat >&2 <<MESSAGE
The browser tests need Chromium at $chromium, and it is not there.
Install it, then run the tests again:
  - Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y chromium
  - elsewhere: install Chromium or Chrome and set CHROMIUM_PATH to its binary,
    e.g. CHROMIUM_PATH=/usr/bin/google-chrome npm test
MESSAGE
exit 1
