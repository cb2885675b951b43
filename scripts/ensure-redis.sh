#!/usr/bin/env bash
# Makes sure the redis-server the Redis store's tests start (each its own, on a free loopback port)
# is installed: $REDIS_SERVER_PATH, else redis-server on PATH. Missing and root with apt-get: install
# Debian's package, which then starts no service of its own. Missing otherwise: stop with how to
# install it. The Redis tests are part of `npm test`, so this never lets them be skipped silently.
set -euo pipefail
source "$(dirname "$0")/ensure-binary.sh"

server="${REDIS_SERVER_PATH:-$(command -v redis-server || true)}"
ensure_binary "redis-server" "$server" REDIS_SERVER_PATH redis-server "The Redis store's tests" \
  "install Redis 6.2 or newer and set REDIS_SERVER_PATH to its redis-server binary,
    e.g. REDIS_SERVER_PATH=/opt/homebrew/bin/redis-server npm test"
