#!/usr/bin/env bash
# The whole test suite: the README's test command (`npm test`) and what CI runs.
# Installs Redis, PostgreSQL and Chromium from apt when missing (and permitted), builds the CLI that
# the end-to-end tests spawn, checks types, lint and formatting, then runs vitest; the vitest
# global setup starts private Redis and PostgreSQL servers on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/local-services.sh install --with-browser
npm run --silent build
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
exec npx vitest run "$@"
