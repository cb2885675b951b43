#!/usr/bin/env bash
# Makes sure the redis-server the Redis store's tests start (each its own, on a free loopback port)
# is installed: $REDIS_SERVER_PATH, else redis-server on PATH. Missing and root with apt-get: install
# Debian's package (no service is started: the tests start and stop their own server). Missing
# otherwise: stop with how to install it. The Redis tests are part of `npm test`, so this never lets
# them be skipped silently.
set -euo pipefail

server="${REDIS_SERVER_PATH:-$(command -v redis-server || true)}"

if [ -n "$server" ] && [ -x "$server" ]; then
  echo "redis-server: $server ($("$server" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [ -n "${REDIS_SERVER_PATH:-}" ]; then
  echo "REDIS_SERVER_PATH is set to $REDIS_SERVER_PATH, which is not an executable file. Point it at a redis-server binary, or unset it to use the one on PATH." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing: installing Debian's redis-server package (the Redis store's tests need it)."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # policy-rc.d 101: the package must not start a service of its own; the tests start their own servers.
  policy="/usr/sbin/policy-rc.d"
  created_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=true
  fi
  apt-get install -y redis-server
  if [ "$created_policy" = true ]; then rm -f "$policy"; fi
  server="$(command -v redis-server || true)"
  [ -n "$server" ] || { echo "apt-get installed redis-server but it is still not on PATH." >&2; exit 1; }
  echo "redis-server: $server ($("$server" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

cat >&2 <<MESSAGE
The Redis store's tests need redis-server, and it is not installed.
Install it, then run the tests again:
  - Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y redis-server
  - elsewhere: install Redis 6.2 or newer and set REDIS_SERVER_PATH to its redis-server binary,
    e.g. REDIS_SERVER_PATH=/opt/homebrew/bin/redis-server npm test
MESSAGE
exit 1
