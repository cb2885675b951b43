#!/usr/bin/env bash
# The one test command (`npm test`): every check CI and a newcomer run, in order, stopping at
# the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "build (ESM + CommonJS)"
npm run build --silent

step "README snippets type-check against the built package"
npm run check:readme --silent

step "lint (ESLint, typescript-eslint)"
npm run lint --silent

step "format (Prettier)"
npm run format:check --silent

step "typecheck (src, tests, samples, bench, scripts)"
npm run typecheck --silent

step "public API unchanged (API Extractor report in review/)"
npm run api:check --silent

step "package (publint, attw, tarball contents)"
npm run check:package --silent

step "Chromium for the browser tests (installed with apt-get when missing and root)"
bash scripts/ensure-chromium.sh

step "redis-server for the Redis store's tests (installed with apt-get when missing and root)"
bash scripts/ensure-redis.sh

step "unit, integration, emulator and browser (Chromium) tests"
npx vitest run

step "soak: 60 s at 16 connections, no errors, emulator RSS growth under 20% (SOAK_SECONDS to shorten)"
npm run soak --silent
