#!/usr/bin/env bash
# The whole test suite: architecture contracts, then pytest (browser and database tests included).
# In CI (CI=true) a PostGIS server is started on 127.0.0.1 for the store tests, and any skipped test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${A11Y_AUDIT_VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"

if [ -f scripts/ci/postgis.sh ] && { [ "${CI:-}" = true ] || [ -n "${A11Y_AUDIT_WITH_PG:-}" ]; } && [ -z "${A11Y_AUDIT_TEST_PG:-}" ]; then
  # shellcheck source=/dev/null
  source scripts/ci/postgis.sh
fi

echo "==> lint and format (ruff)"
ruff check --no-cache .
ruff format --no-cache --check .

echo "==> import contracts (lint-imports)"
lint-imports --no-cache

echo "==> pytest"
exec python -m pytest -p no:cacheprovider "$@"
