# Shared by the background test servers (scripts/llama-server.sh, scripts/mongo-server.sh): a
# virtualenv, the pid of our own server process and a graceful stop. The caller sets `venv`,
# `pid_file` and `process_pattern` (what its server's command line contains) and defines say/fail.

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
