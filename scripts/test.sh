#!/usr/bin/env bash
# The whole test suite: lint, architecture contracts, then pytest (browser and database tests included).
# PostGIS store tests need a server: in CI (CI=true), or with A11Y_AUDIT_WITH_PG=1, a throw-away PostgreSQL/PostGIS
# server is started on 127.0.0.1 (installing Debian's packages if missing); locally without CI it is started only
# when PostgreSQL and PostGIS are already installed (A11Y_AUDIT_WITH_PG=0: never), else those tests are skipped.
# A server this script started is stopped, and its folder removed, when the tests end. In CI a skip fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${A11Y_AUDIT_VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"

PG_DIR=""
stop_pg() {
  if [ -n "$PG_DIR" ]; then
    A11Y_AUDIT_PG_DIR="$PG_DIR" bash scripts/ci/postgis.sh --stop 2>/dev/null || echo "could not stop the PostgreSQL in $PG_DIR" >&2
    PG_DIR=""
  fi
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

want_pg="${A11Y_AUDIT_WITH_PG:-}"
if [ "${CI:-}" = true ] && [ "$want_pg" != 0 ]; then want_pg=1; fi
if [ -z "${A11Y_AUDIT_TEST_PG:-}" ] && [ "$want_pg" != 0 ] && [ -f scripts/ci/postgis.sh ]; then
  # a folder of this run's own, so stopping it never stops another run's server
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/a11y-audit-pg.XXXXXX")"
  if [ "$want_pg" = 1 ]; then install=1; else install=0; fi
  # shellcheck source=/dev/null
  if ! A11Y_AUDIT_PG_DIR="$PG_DIR" A11Y_AUDIT_PG_INSTALL="$install" source scripts/ci/postgis.sh; then
    if [ "$want_pg" = 1 ]; then echo "could not start PostgreSQL/PostGIS for the store tests" >&2; exit 1; fi
    echo "==> no local PostgreSQL/PostGIS: the PostGIS store tests will be skipped" >&2
    stop_pg
  fi
fi

echo "==> lint and format (ruff)"
ruff check --no-cache .
ruff format --no-cache --check .

echo "==> import contracts (lint-imports)"
lint-imports --no-cache

echo "==> pytest"
# The test files are spread over the CPUs (at most 4; A11Y_AUDIT_TEST_WORKERS=0 runs them in this process): most
# browser tests wait on pages and timeouts as much as they compute. A file stays on one worker (--dist loadfile),
# so a module's Selenium Grid or server is started once.
workers=${A11Y_AUDIT_TEST_WORKERS:-$(n=$(nproc 2>/dev/null || echo 1); [ "$n" -gt 4 ] && n=4; echo "$n")}
parallel=()
if [ "$workers" -gt 1 ] && python -c 'import xdist' 2>/dev/null; then parallel=(-n "$workers" --dist loadfile); fi
status=0
python -m pytest -p no:cacheprovider "${parallel[@]}" "$@" || status=$?
exit "$status"
