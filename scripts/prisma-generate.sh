#!/usr/bin/env bash
# Generates the Prisma client into src/generated/prisma.
# The Prisma CLI insists on locating its native schema engine before any command, even
# `generate`, which never uses it; pointing it at an existing file satisfies that check
# offline. Never do this for `migrate`: migrations are applied by `mcp-approval-gateway migrate`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}"
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
exec npx --no-install prisma generate --schema prisma/schema.prisma
