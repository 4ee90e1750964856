#!/usr/bin/env bash
# The README's main job: the whole pipeline on this machine, with a real model.
#   PostgreSQL: the one in $CONFIG_PATH's postgres_uri, else an embedded cluster in .testbench/postgres
#               (left running afterwards so `testbench datasets list` can inspect it).
#   Model:      $TESTBENCH_ENDPOINT when set, else llama.cpp serving SmolLM2-135M-Instruct on loopback.
#   Documents:  PostgreSQL JSONB; DEMO_STORE=mongo puts tasks, instances, prompts, responses and results
#               in MongoDB instead: $MONGODB_URI when set, else a SecantusDB server started here
#               (scripts/mongo-server.sh) and stopped, with its data, when the demo ends.
# Register the bundled BIG-bench tasks → Sampler for a demo supplier → requester (real generations)
# → Evaluator → leaderboard.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
tasks="${DEMO_TASKS:-bigbench_navigate,bigbench_boolean_expressions,bigbench_sports_understanding}"
qty="${DEMO_QTY:-8}"
supplier="demo-supplier"

store="${DEMO_STORE:-postgres}"
case "$store" in
  postgres|mongo) ;;
  *) echo "DEMO_STORE must be postgres or mongo, not '$store'" >&2; exit 2 ;;
esac

swift build --product testbench
bin="$root/.build/debug/testbench"
mkdir -p .testbench

started_llama=0
started_mongo=0
worker=""
cleanup() {
  [ -n "$worker" ] && { kill -TERM "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true; }
  [ "$started_llama" = 1 ] && { scripts/llama-server.sh stop >/dev/null || true; }
  [ "$started_mongo" = 1 ] && { scripts/mongo-server.sh stop >/dev/null || true; }
  return 0
}
trap cleanup EXIT

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

if [ "$store" = mongo ]; then
  mongo_uri="${MONGODB_URI:-}"
  if [ -z "$mongo_uri" ]; then
    echo "starting SecantusDB (a MongoDB wire-protocol server) on loopback; the first run installs it into .venv-mongo"
    mongo_line="$(scripts/mongo-server.sh start | grep '^MONGODB_URI=')"
    mongo_uri="${mongo_line#MONGODB_URI=}"
    started_mongo=1
  fi
  echo "documents in MongoDB: $mongo_uri"
  # The same configuration with mongodb_uri set, so the worker and every command below use MongoDB.
  mongo_config="$root/.testbench/demo-config-mongo.json"
  python3 - "$CONFIG_PATH" "$mongo_uri" "$mongo_config" <<'PY'
import json, os, sys
source, uri, target = sys.argv[1:]
with open(source) as f:
    config = json.load(f)
folder = os.path.dirname(os.path.abspath(source))
for key in ("datasets_dir", "include_path"):  # relative paths are relative to the configuration's folder
    value = config.get(key)
    if isinstance(value, str) and not os.path.isabs(value):
        config[key] = os.path.join(folder, value)
    elif isinstance(value, list):
        config[key] = [v if os.path.isabs(v) else os.path.join(folder, v) for v in value]
config["mongodb_uri"] = uri
with open(target, "w") as f:
    json.dump(config, f, indent=2)
PY
  export CONFIG_PATH="$mongo_config"
fi
echo "configuration: $CONFIG_PATH"

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
[ "$started_mongo" = 1 ] && echo "The MongoDB server started for the demo stops as the demo exits, and its data goes with it."
exit 0
