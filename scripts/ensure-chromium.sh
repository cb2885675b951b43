#!/usr/bin/env bash
# Makes sure the Chromium the browser tests drive is installed: $CHROMIUM_PATH, else Debian's
# /usr/bin/chromium (Playwright cannot download its own browser here). Missing and root with
# apt-get: install Debian's package. Missing otherwise: stop with how to install it. The browser
# tests are part of `npm test`, so this never lets them be skipped silently.
set -euo pipefail
source "$(dirname "$0")/ensure-binary.sh"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
ensure_binary "Chromium" "$chromium" CHROMIUM_PATH chromium "The browser tests" \
  "install Chromium or Chrome and set CHROMIUM_PATH to its binary,
    e.g. CHROMIUM_PATH=/usr/bin/google-chrome npm test" "$chromium"
