#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the sqlforge tests and prints the
# line that points them at it:
#
#   eval "$(.ci/postgres.sh)"     # sets SQLFORGE_TEST_POSTGRES_URL
#
# It installs Debian's postgresql package when pg_ctl is missing, creates a
# cluster in a temporary directory (as the postgres user when run as root,
# since PostgreSQL refuses to run as root), starts it on 127.0.0.1:$PORT with
# trust authentication, and creates the test database. Re-running it while the
# server is up reuses that server. Everything but the export line goes to stderr.
#
# Environment: SQLFORGE_PG_PORT (default 55432), SQLFORGE_PG_DIR (default: a new
# temporary directory), SQLFORGE_PG_DB (default sqlforge_test).
set -euo pipefail

PORT="${SQLFORGE_PG_PORT:-55432}"
DB="${SQLFORGE_PG_DB:-sqlforge_test}"
log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
}

BINDIR="$(find_bindir)"
if [ -z "$BINDIR" ]; then
  log "pg_ctl not found; installing Debian's postgresql"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
  BINDIR="$(find_bindir)"
  [ -n "$BINDIR" ] || { log "postgresql installed but pg_ctl still missing"; exit 1; }
fi

# run CMD... as the cluster owner: ourselves, or postgres when we are root.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi

URL="postgres://postgres@127.0.0.1:${PORT}/${DB}?sslmode=disable"

if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  log "a server already answers on 127.0.0.1:$PORT; reusing it"
else
  DIR="${SQLFORGE_PG_DIR:-$(mktemp -d /tmp/sqlforge-pg.XXXXXX)}"
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$BINDIR/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >&2
  fi
  as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >&2
  log "server in $DIR (stop: $BINDIR/pg_ctl -D $DIR/data stop)"
fi

if ! "$BINDIR/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" >&2
fi

echo "export SQLFORGE_TEST_POSTGRES_URL='$URL'"
