#!/usr/bin/env bash
# Starts goccy/bigquery-emulator for the sqlforge BigQuery integration tests and
# prints the line that points them at it:
#
#   eval "$(.ci/bqemulator.sh)"     # sets SQLFORGE_TEST_BIGQUERY_URL
#
# The emulator is built once from tools/bqemulator (its own Go module: its
# go-zetasql dependency is a large cgo build that compiles only with clang) with
# sqlforge's patch to go-zetasqlite (tools/bqemulator/patches: SQLite's own "=" for
# INT64/STRING equality, window inputs computed once; without it Northwind's joins
# take about a minute each) and cached as $SQLFORGE_BQ_EMULATOR (default
# $HOME/.cache/sqlforge-tools/bigquery-emulator-<hash of the module and patch>).
# C++ is compiled at -O0 without debug information (ZetaSQL only analyzes queries;
# SQLite, the C part that runs them, keeps -O2): about 6 minutes and 3.4 GB cold on
# 2 cores instead of 14-70 minutes and 6.8 GB at cgo's default -O2 -g. Debian's clang
# is installed when missing. The server listens on 127.0.0.1:$PORT with an
# in-memory store and one project; the tests (or `sqlforge db load-bigquery`)
# create the dataset. Re-running it while a server answers on the port reuses that
# server. Everything but the export line goes to stderr.
#
#   .ci/bqemulator.sh --build-only   # build (if missing) and exit
#
# Environment: SQLFORGE_BQ_PORT (default 59050; gRPC on PORT+10),
# SQLFORGE_BQ_PROJECT (default sqlforge-test), SQLFORGE_BQ_DATASET (default
# northwind), SQLFORGE_BQ_EMULATOR (the binary's path).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${SQLFORGE_BQ_PORT:-59050}"
GRPC_PORT=$((PORT + 10))
PROJECT="${SQLFORGE_BQ_PROJECT:-sqlforge-test}"
DATASET="${SQLFORGE_BQ_DATASET:-northwind}"
KEY="$(cat tools/bqemulator/go.mod tools/bqemulator/go.sum tools/bqemulator/main.go tools/bqemulator/patches/*.patch | sha256sum | cut -c1-12)"
BIN="${SQLFORGE_BQ_EMULATOR:-$HOME/.cache/sqlforge-tools/bigquery-emulator-$KEY}"
log() { echo "bqemulator.sh: $*" >&2; }

if [ ! -x "$BIN" ]; then
  if ! command -v clang++ >/dev/null 2>&1; then
    log "clang not found; installing Debian's clang"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -qq --no-install-recommends clang >&2 \
      || { $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq --no-install-recommends clang >&2; }
  fi
  mkdir -p "$(dirname "$BIN")"
  log "building the emulator into $BIN (cgo, clang; about 6 minutes cold on 2 cores)"
  start=$(date +%s)
  ROOT="$(pwd)"
  work="$(mktemp -d /tmp/sqlforge-bqemulator-build.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  cp tools/bqemulator/go.mod tools/bqemulator/go.sum tools/bqemulator/main.go "$work/"
  # The patched go-zetasqlite: a copy of the module's source (the module cache stays as it is).
  zdir="$(cd "$work" && go mod download -json github.com/goccy/go-zetasqlite | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$zdir" ] || { log "could not download github.com/goccy/go-zetasqlite"; exit 1; }
  cp -r "$zdir" "$work/zetasqlite"
  chmod -R u+w "$work/zetasqlite"
  for p in tools/bqemulator/patches/go-zetasqlite-*.patch; do
    (cd "$work/zetasqlite" && git apply "$ROOT/$p") || { log "$p does not apply"; exit 1; }
  done
  (cd "$work" && go mod edit -replace github.com/goccy/go-zetasqlite=./zetasqlite \
    && env CGO_ENABLED=1 CC=clang CXX=clang++ CGO_CFLAGS="-O2 -g0" CGO_CXXFLAGS="-O0 -g0" \
      go build -trimpath -o "$BIN.tmp" .) >&2
  mv "$BIN.tmp" "$BIN"
  log "built in $(( $(date +%s) - start )) s"
fi
[ "${1:-}" = "--build-only" ] && exit 0

answers() { curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/bigquery/v2/projects/${PROJECT}/datasets" 2>/dev/null; }

if answers; then
  log "an emulator already answers on 127.0.0.1:$PORT; reusing it"
else
  LOG="$(mktemp /tmp/sqlforge-bqemulator.XXXXXX.log)"
  setsid "$BIN" --host 127.0.0.1 --port "$PORT" --grpc-port "$GRPC_PORT" \
    --project "$PROJECT" --log-level warn >"$LOG" 2>&1 < /dev/null &
  pid=$!
  for _ in $(seq 1 100); do
    answers && break
    kill -0 "$pid" 2>/dev/null || { log "the emulator exited; its log:"; cat "$LOG" >&2; exit 1; }
    sleep 0.2
  done
  answers || { log "the emulator did not answer on 127.0.0.1:$PORT"; exit 1; }
  log "emulator pid $pid on 127.0.0.1:$PORT, log $LOG (stop: kill $pid)"
fi

echo "export SQLFORGE_TEST_BIGQUERY_URL='bigquery://127.0.0.1:${PORT}/${PROJECT}/${DATASET}'"
