#!/usr/bin/env bash
# A local MongoDB wire-protocol server for the tests and `DEMO_STORE=mongo`: SecantusDB (PyPI
# `secantusdb`, a MongoDB server on WiredTiger; GPL-2.0, used as a test server only, never linked
# or shipped) on 127.0.0.1, advertising itself as the one-member replica set `secantus`, so
# multi-document transactions work as on a real replica set.
#
#   scripts/mongo-server.sh start    install if needed, start in the background on a fresh data
#                                    folder, wait until it answers `hello`, print
#                                    MONGODB_URI=mongodb://127.0.0.1:PORT/?replicaSet=secantus (stdout)
#   scripts/mongo-server.sh status   print MONGODB_URI=… and exit 0 if it answers, else exit 3
#   scripts/mongo-server.sh stop     stop it (SIGTERM, then SIGKILL after 10 s) and remove its data
#
# Environment: MONGO_PORT (default: a free port), MONGO_START_TIMEOUT (seconds, default 60),
# MONGO_PYTHON (interpreter for the virtualenv, default /usr/bin/python3; needs python3-venv).
# State: the virtualenv .venv-mongo/ and .testbench/mongo/{server.pid,uri,server.log,data}
# in the repository root (both git-ignored).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-mongo"
state="$root/.testbench/mongo"
pid_file="$state/server.pid"
uri_file="$state/uri"
log_file="$state/server.log"
data_dir="$state/data"
secantus_version="0.7.0b3"

say() { echo "mongo-server: $*" >&2; }
fail() { say "$*"; exit 1; }
process_pattern="secantusd-py"
source "$root/scripts/lib/server.sh"

installed() {
  [ -x "$venv/bin/secantusd-py" ] && "$venv/bin/python" - "$secantus_version" <<'PY' 2>/dev/null
import importlib.metadata as metadata, sys
sys.exit(0 if metadata.version("secantusdb") == sys.argv[1] else 1)
PY
}

install() {
  installed && return 0
  server_make_venv "${MONGO_PYTHON:-/usr/bin/python3}"
  say "installing secantusdb==$secantus_version"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "secantusdb==$secantus_version" >&2 \
    || fail "pip install failed"
}

# Sends OP_MSG {hello: 1, $db: "admin"} and checks the reply says ok: 1 — a listening port alone
# does not mean the storage engine is open.
answers() {
  "$venv/bin/python" - "$1" <<'PY' 2>/dev/null
import socket, struct, sys
def cstring(s): return s.encode() + b"\0"
def document(fields):
    body = b"".join(kind + cstring(name) + value for kind, name, value in fields)
    return struct.pack("<i", len(body) + 5) + body + b"\0"
query = document([(b"\x10", "hello", struct.pack("<i", 1)),
                  (b"\x02", "$db", struct.pack("<i", 6) + cstring("admin"))])
payload = struct.pack("<I", 0) + b"\0" + query
message = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013) + payload
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3) as s:
    s.sendall(message)
    header = b""
    while len(header) < 16: header += s.recv(16 - len(header))
    length = struct.unpack("<i", header[:4])[0]
    reply = b""
    while len(reply) < length - 16: reply += s.recv(length - 16 - len(reply))
ok = b"\x01ok\0"
i = reply.find(ok)
value = struct.unpack("<d", reply[i + 4:i + 12])[0] if i >= 0 else 0.0
if i < 0:
    i = reply.find(b"\x10ok\0")
    value = struct.unpack("<i", reply[i + 4:i + 8])[0] if i >= 0 else 0
sys.exit(0 if value == 1 else 1)
PY
}

status() {
  local uri port
  running_pid >/dev/null && [ -f "$uri_file" ] || return 3
  uri="$(cat "$uri_file")"
  port="${uri#mongodb://127.0.0.1:}"
  port="${port%%/*}"
  answers "$port" || return 3
  echo "MONGODB_URI=$uri"
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
  rm -rf "$pid_file" "$uri_file" "$data_dir"
  local port="${MONGO_PORT:-$(free_port)}"
  say "starting on 127.0.0.1:$port; log: $log_file"
  # setsid + nohup: the server outlives the shell that started it.
  setsid nohup "$venv/bin/secantusd-py" --host 127.0.0.1 --port "$port" --storage-path "$data_dir" \
    --cache-size 256M --log-level WARNING >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  echo "mongodb://127.0.0.1:$port/?replicaSet=secantus" >"$uri_file"
  server_await_start "${MONGO_START_TIMEOUT:-60}"
}

stop() {
  server_terminate || say "not running"
  rm -rf "$pid_file" "$uri_file" "$data_dir"
}

server_main "$@"
