#!/usr/bin/env bash
# A throw-away PostgreSQL/PostGIS server on 127.0.0.1 for the test suite.
#
#   eval "$(scripts/ci/postgis.sh)"     # or:  . scripts/ci/postgis.sh
#   scripts/ci/postgis.sh --stop        # stop it and remove its folder
#
# Installs Debian's postgresql + postgis if missing (quietly; A11Y_AUDIT_PG_INSTALL=0: never, fail instead),
# initialises a cluster in $A11Y_AUDIT_PG_DIR (default: a per-user temp dir), starts it on 127.0.0.1 on a free
# port, detached from the caller (own session, stdin/stdout/stderr to a log, no other inherited descriptor),
# creates the database with the postgis extension, and prints `export A11Y_AUDIT_TEST_PG=postgresql://…`
# (exported directly when sourced). Idempotent: a second call finds the running server and prints the same
# URL. Progress goes to stderr, so eval sees only the export. The server runs until `--stop`.

_a11y_pg_main() {
  set -euo pipefail
  local dir="${A11Y_AUDIT_PG_DIR:-${TMPDIR:-/tmp}/a11y-audit-pg-$(id -u)}"
  local db="a11y_audit_test" user="postgres"
  log() { echo "postgis.sh: $*" >&2; }

  as_owner() {  # initdb and postgres refuse to run as root: use the postgres account the package created
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
  }

  find_bindir() {
    local v
    for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
      if [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && [ -f "/usr/share/postgresql/$v/extension/postgis.control" ]; then
        echo "/usr/lib/postgresql/$v/bin"; return 0
      fi
    done
    return 1
  }

  install_packages() {
    [ "${A11Y_AUDIT_PG_INSTALL:-1}" != 0 ] || return 1
    log "installing Debian's postgresql and postgis"
    local sudo="" out
    [ "$(id -u)" = 0 ] || sudo="sudo"
    out="$(mktemp)"
    # quiet as ./dev: apt's output goes to a file, shown only when the install fails
    if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgis >"$out" 2>&1 ||
      { $sudo apt-get update -qq >>"$out" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgis >>"$out" 2>&1; }; }; then
      tail -n 20 "$out" >&2; rm -f "$out"; return 1
    fi
    rm -f "$out"
  }

  detached() {  # "$@" in its own session, fds 0-2 to /dev/null and the log, every other inherited fd closed
    python3 -c 'import subprocess, sys
with open(sys.argv[1], "ab") as log:
    sys.exit(subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             close_fds=True, start_new_session=True))' "$dir/pg_ctl.log" "$@"
  }

  local bindir
  bindir="$(find_bindir)" || { install_packages && bindir="$(find_bindir)"; } || { log "no PostgreSQL with PostGIS found"; return 1; }

  if [ "${1:-}" = "--stop" ]; then
    if [ -f "$dir/data/PG_VERSION" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast stop >&2 || true; fi
    rm -rf "$dir"
    log "stopped and removed $dir"
    return 0
  fi

  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initialising a cluster in $dir/data"
    as_owner "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi

  if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "$port" > "$dir/port"
    log "starting on 127.0.0.1:$port"
    # loopback only; durability is not wanted in a throw-away test cluster, speed is
    local owner=()
    [ "$(id -u)" = 0 ] && owner=(runuser -u postgres --)
    # detached: a server that inherited the caller's descriptors held one of its lock files for minutes
    detached "${owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" ||
      { log "the server did not start; see $dir/pg_ctl.log and $dir/server.log"; return 1; }
  fi
  local port url
  port="$(cat "$dir/port")"
  url="postgresql://$user@127.0.0.1:$port/$db"

  if ! as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$db"
  fi
  as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$user" -d "$db" -qc "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >&2
  log "ready: $url"
  echo "export A11Y_AUDIT_TEST_PG=$url"
  A11Y_AUDIT_TEST_PG="$url"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced: run in a subshell so `set -e` cannot end the caller's shell, then export the URL here
  _a11y_pg_line="$( (_a11y_pg_main "$@") )" && eval "$_a11y_pg_line"
  _a11y_pg_status=$?
  unset _a11y_pg_line
  return "$_a11y_pg_status"
else
  _a11y_pg_main "$@"
fi
