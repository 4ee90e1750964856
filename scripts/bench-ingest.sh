#!/usr/bin/env bash
# Ingestion benchmark: the Datasets module's load (inference pass + COPY) against psql's \copy CSV
# of the same rows, at 100k and 1M rows (peak memory should not grow with the row count).
# Usage: scripts/with-test-postgres.sh scripts/bench-ingest.sh [row counts...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TESTBENCH_TEST_POSTGRES_URI:?run through scripts/with-test-postgres.sh or set TESTBENCH_TEST_POSTGRES_URI}"
command -v psql >/dev/null || { echo "error: psql not found (install postgresql-client)" >&2; exit 2; }
swift build -c release --product testbench-ingest-bench
bin="$(swift build -c release --show-bin-path)/testbench-ingest-bench"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)
for n in "${counts[@]}"; do
  echo "== $n rows"
  "$bin" --rows "$n"
done
