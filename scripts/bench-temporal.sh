#!/usr/bin/env bash
# Temporal benchmark: Noop workflows per second through a Temporal server (in-process
# TemporalWorker) and through the PostgreSQL queue, in one run, in release mode
# (testbench-bench temporal; see its --help for the options, e.g. --workflows 2000 --slots 4).
# Temporal: TESTBENCH_TEMPORAL_ADDRESS if set, else the dev server of scripts/temporal-server.sh
# (started if it is not running; it is left running). The server's time per RPC type comes from
# its Prometheus endpoint: TEMPORAL_METRICS_URL if set, else the listening port of the server's
# process that serves /metrics (found with ss; skipped when there is none).
# PostgreSQL: TESTBENCH_TEST_POSTGRES_URI if set, else a throw-away cluster (scripts/with-test-postgres.sh).
# Usage: scripts/bench-temporal.sh [testbench-bench temporal options...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TESTBENCH_TEMPORAL_ADDRESS:-}" ]; then
  line="$(bash scripts/temporal-server.sh status || bash scripts/temporal-server.sh start)"
  export TESTBENCH_TEMPORAL_ADDRESS="${line#TEMPORAL_ADDRESS=}"
fi

# The dev server opens its metrics endpoint on a random port, so look among the ports of the process
# that listens on the frontend's port for the one whose /metrics has Temporal's service_latency.
if [ -z "${TEMPORAL_METRICS_URL:-}" ] && command -v ss >/dev/null && command -v curl >/dev/null; then
  port="${TESTBENCH_TEMPORAL_ADDRESS##*:}"
  pid="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
  if [ -n "$pid" ]; then
    for candidate in $(ss -ltnpH 2>/dev/null | grep "pid=$pid," | awk '{print $4}'); do
      # grep without -q reads all of curl's output: with pipefail, an early exit would fail curl (SIGPIPE).
      if curl -sf -m 2 "http://$candidate/metrics" 2>/dev/null | grep '^service_latency_count' >/dev/null; then
        export TEMPORAL_METRICS_URL="http://$candidate/metrics"
        break
      fi
    done
  fi
fi
metrics=()
if [ -n "${TEMPORAL_METRICS_URL:-}" ]; then
  metrics=(--metrics-url "$TEMPORAL_METRICS_URL")
else
  echo "bench-temporal: no metrics endpoint found (set TEMPORAL_METRICS_URL); no time per RPC type" >&2
fi

swift build -c release --product testbench-bench
bin="$(swift build -c release --show-bin-path)/testbench-bench"
echo "bench-temporal: Temporal at $TESTBENCH_TEMPORAL_ADDRESS${TEMPORAL_METRICS_URL:+, metrics $TEMPORAL_METRICS_URL}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
scripts/with-test-postgres.sh "$bin" temporal "${metrics[@]}" "$@"
