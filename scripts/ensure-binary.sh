#!/usr/bin/env bash
# Shared by ensure-chromium.sh and ensure-redis.sh (source it, then call ensure_binary): makes sure
# a program the tests drive is installed. Found: print its version. Named by its environment
# variable but not there: stop. Missing and root with apt-get: install the Debian package, starting
# no service (policy-rc.d; the tests start what they need themselves). Missing otherwise: stop with
# how to install it. The tests that need it are part of `npm test`, so they are never skipped silently.
#
#   ensure_binary LABEL PATH ENV_NAME PACKAGE WHO_NEEDS_IT ELSEWHERE_HINT
#     LABEL          printed name, e.g. "Chromium"
#     PATH           where the program is expected (may be empty: not found on PATH)
#     ENV_NAME       the variable that overrides PATH, e.g. CHROMIUM_PATH
#     PACKAGE        the Debian package
#     WHO_NEEDS_IT   e.g. "the browser tests"
#     ELSEWHERE_HINT the install advice for other systems (a line or two)
#     FIND           optional: how to find the program again after installing (default: PATH)

ensure_binary() {
  local label="$1" path="$2" env_name="$3" package="$4" needed_by="$5" elsewhere="$6" find="${7:-}"
  local version
  version() { "$1" --version 2>/dev/null | head -n 1 || echo 'version unknown'; }

  if [ -n "$path" ] && [ -x "$path" ]; then
    echo "$label: $path ($(version "$path"))"
    return 0
  fi
  if [ -n "${!env_name:-}" ]; then
    echo "$env_name is set to ${!env_name}, which is not an executable file. Point it at the $label binary, or unset it." >&2
    return 1
  fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$label is missing: installing Debian's $package package ($needed_by need it)."
    export DEBIAN_FRONTEND=noninteractive
    local policy="/usr/sbin/policy-rc.d" created_policy=false
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=true
    fi
    apt-get update && apt-get install -y "$package"
    local status=$?
    if [ "$created_policy" = true ]; then rm -f "$policy"; fi
    [ "$status" -eq 0 ] || return "$status"
    path="${find:-$path}"
    [ -n "$path" ] || path="$(command -v "$package" || true)"
    [ -n "$path" ] && [ -x "$path" ] || { echo "apt-get installed $package but $label is still missing." >&2; return 1; }
    echo "$label: $path ($(version "$path"))"
    return 0
  fi
  cat >&2 <<MESSAGE
$needed_by need $label${path:+ at $path}, and it is not there.
Install it, then run the tests again:
  - Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y $package
  - elsewhere: $elsewhere
MESSAGE
  return 1
}
