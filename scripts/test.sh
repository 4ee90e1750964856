#!/usr/bin/env bash
# The README's test command: a throw-away PostgreSQL cluster and, unless TESTBENCH_LLAMA_ENDPOINT
# names one, a local llama.cpp server (SmolLM2-135M) for the real-model tests; both are stopped
# afterwards whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
started_llama=0
if [ -z "${TESTBENCH_LLAMA_ENDPOINT:-}" ]; then
  endpoint_line="$(scripts/llama-server.sh start | grep '^LLAMA_ENDPOINT=')"
  export TESTBENCH_LLAMA_ENDPOINT="${endpoint_line#LLAMA_ENDPOINT=}"
  started_llama=1
fi
cleanup() { [ "$started_llama" = 1 ] && scripts/llama-server.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
echo "model server at $TESTBENCH_LLAMA_ENDPOINT"
scripts/with-test-postgres.sh swift test "$@"
