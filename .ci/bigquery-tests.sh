#!/usr/bin/env bash
# Runs sqlforge's BigQuery integration tests against goccy/bigquery-emulator:
# builds the emulator when it is not cached (.ci/bqemulator.sh: clang, 10-20+ minutes
# cold on 2 cores; seconds once cached), starts it on 127.0.0.1, and runs the tests of
# the packages that have BigQuery tests. They skip without the emulator, which is why
# `go test ./...` (and .ci/run, see docs/bigquery.md) passes without it.
#
#   .ci/bigquery-tests.sh            # all BigQuery tests
#   .ci/bigquery-tests.sh -run Gen   # extra go test flags
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(.ci/bqemulator.sh)"
echo "bigquery-tests: emulator at ${SQLFORGE_TEST_BIGQUERY_URL}" >&2
go test "$@" ./internal/bqdb ./internal/bqload/... ./internal/sqlexec ./internal/dialect/bigquery \
  ./internal/pgload ./internal/datagen ./internal/cli ./internal/plan/compile
