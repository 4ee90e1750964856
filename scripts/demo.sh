#!/usr/bin/env bash
# The README's main job: the whole pipeline on this machine, with a real model.
#   PostgreSQL: the one in $CONFIG_PATH's postgres_uri, else an embedded cluster in .testbench/postgres
#               (left running afterwards so `testbench datasets list` can inspect it).
#   Model:      $TESTBENCH_ENDPOINT when set, else llama.cpp serving SmolLM2-135M-Instruct on loopback.
# Register the bundled BIG-bench tasks → Sampler for a demo supplier → requester (real generations)
# → Evaluator → leaderboard.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
tasks="${DEMO_TASKS:-bigbench_navigate,bigbench_boolean_expressions,bigbench_sports_understanding}"
qty="${DEMO_QTY:-8}"
supplier="demo-supplier"

swift build --product testbench
bin="$root/.build/debug/testbench"
mkdir -p .testbench

if [ -z "${CONFIG_PATH:-}" ]; then
  uri_line="$(scripts/embedded-postgres.sh start)"
  export CONFIG_PATH="$root/.testbench/demo-config.json"
  cat >"$CONFIG_PATH" <<JSON
{
  "postgres_uri": "${uri_line#POSTGRES_URI=}",
  "datasets_dir": "$root/datasets",
  "log_level": "info",
  "worker": {"task_queue": ["sampler", "evaluator"], "max_workers": 2, "poll_interval": 0.2},
  "timeouts": {"default": {"ttft": {"prompt_lenght": [0, 8192, 32768], "sla_time": [0, 2, 10]}, "tpot": 0.336, "queue": 30}}
}
JSON
fi
echo "configuration: $CONFIG_PATH"

started_llama=0
endpoint="${TESTBENCH_ENDPOINT:-}"
if [ -z "$endpoint" ]; then
  echo "starting llama.cpp (SmolLM2-135M-Instruct) on loopback; the first run installs it into .venv-llama"
  endpoint_line="$(scripts/llama-server.sh start | grep '^LLAMA_ENDPOINT=')"
  endpoint="${endpoint_line#LLAMA_ENDPOINT=}"
  started_llama=1
fi
echo "model endpoint: $endpoint"

"$bin" worker >.testbench/demo-worker.log 2>&1 &
worker=$!
cleanup() {
  kill -TERM "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true
  [ "$started_llama" = 1 ] && scripts/llama-server.sh stop >/dev/null || true
}
trap cleanup EXIT

# Waits for a workflow and prints its result; fails the demo (with the worker log) when it does not complete.
result() {
  "$bin" workflow result "$1" --wait --timeout 900 || { echo "workflow $1 did not complete; worker log:" >&2; tail -n 30 .testbench/demo-worker.log >&2; exit 1; }
}
field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

echo "== Register: $tasks"
result "$("$bin" workflow start --type Register --input "{\"framework\": \"lmeh\", \"tasks\": \"$tasks\"}")" >/dev/null
"$bin" datasets list

task_ids=()
IFS=',' read -ra names <<<"$tasks"
for task in "${names[@]}"; do
  echo "== Sampler: $task, $qty documents for $supplier"
  input="{\"framework\": \"lmeh\", \"tasks\": \"$task\", \"qty\": $qty, \"seed\": 42,
          \"requester_args\": {\"address\": \"$supplier\", \"service\": \"smollm2-135m\", \"path\": \"/v1/completions\"}}"
  task_ids+=("$(result "$("$bin" workflow start --type Sampler --input "$input")" | field task_id)")
done
"$bin" documents list --supplier "$supplier"

echo "== Requester: real generations from $endpoint"
"$bin" requester --endpoint "$endpoint" --supplier "$supplier"

echo "== Evaluator"
for id in "${task_ids[@]}"; do
  run_id="$("$bin" workflow start --type Evaluator --input "{\"framework\": \"lmeh\", \"task_id\": \"$id\"}")"
  result "$run_id" >/dev/null
  "$bin" workflow result "$run_id" --table
done

echo "== Leaderboard"
"$bin" leaderboard
echo
echo "The embedded database stays up for inspection: CONFIG_PATH=$CONFIG_PATH $bin datasets list"
echo "(stop it with scripts/embedded-postgres.sh stop)"
