# Shared by the background test servers (scripts/llama-server.sh, scripts/logprob-server.sh,
# scripts/mongo-server.sh): a virtualenv, the pid of our own server process, the wait for a start,
# a graceful stop and the start|stop|status command line. The caller sets `venv`, `pid_file`,
# `log_file` and `process_pattern` (what its server's command line contains) and defines say/fail,
# and start/stop/status for `server_main`.

# Creates $venv with $1 (or python3 from PATH) unless it exists.
server_make_venv() {
  local python="$1"
  [ -x "$python" ] || python="$(command -v python3 || true)"
  [ -n "$python" ] || fail "python3 not found (Debian: apt-get install python3 python3-venv)"
  if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv with $python"
    "$python" -m venv "$venv" || fail "could not create the virtualenv (Debian: apt-get install python3-venv)"
  fi
}

# The pid of our server, if it is alive (a recycled pid running something else does not count).
running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$process_pattern" || return 1
  echo "$pid"
}

# Stops our server (SIGTERM, then SIGKILL after 10 s); returns 1 when none was running.
server_terminate() {
  local pid
  pid="$(running_pid)" || return 1
  kill -TERM "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "process $pid ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  say "stopped (pid $pid)"
}

# Exits 0 when the HTTP server at $1 answers GET /health with 200 (the venv's python: no curl needed).
server_http_healthy() {
  "$venv/bin/python" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/health", timeout=3) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

# status for a server that writes its URL to $address_file and answers /health: prints NAME=URL
# ($1 is NAME) and returns 0 when it answers, else returns 3.
server_http_status() {
  local address
  running_pid >/dev/null && [ -f "$address_file" ] || return 3
  address="$(cat "$address_file")"
  server_http_healthy "$address" || return 3
  echo "$1=$address"
}

# Waits up to $1 seconds for `status` to succeed after a start; $2 is the launcher's pid when the
# server writes its own pid file later (empty when $pid_file is the server already). A server that
# exits, or does not answer in time, fails with the tail of its log.
server_await_start() {
  local timeout="$1" launcher="${2:-}" deadline=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if status; then return 0; fi
    if ! running_pid >/dev/null && { [ -z "$launcher" ] || ! kill -0 "$launcher" 2>/dev/null; }; then
      tail -n 20 "$log_file" >&2 || true
      fail "the server exited during start (log above: $log_file)"
    fi
    sleep 0.5
  done
  tail -n 20 "$log_file" >&2 || true
  stop || true
  fail "the server did not answer within $timeout s"
}

# The command line every server script takes.
server_main() {
  case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status || { say "not running"; exit 3; } ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
}
