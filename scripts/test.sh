#!/usr/bin/env bash
# The one test command (`npm test`): every check CI and a newcomer run, in order, stopping at
# the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "build (ESM + CommonJS)"
npm run build --silent

step "unit, integration and emulator tests"
npx vitest run
