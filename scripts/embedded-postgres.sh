#!/usr/bin/env bash
# The demo's embedded PostgreSQL: a cluster kept in .testbench/postgres (git-ignored), so what a
# run stored stays inspectable afterwards (testbench datasets list, psql).
#   start   initialise if needed, start, print the URI (POSTGRES_URI=...)
#   stop    stop it
#   status  exit 0 when running, 3 when not
#   uri     print the URI
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
dir="$PWD/.testbench/postgres"
port_file="$dir/port"

running() { [ -f "$dir/data/postmaster.pid" ] && "${pg_run_as[@]}" "$(pg_bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }
uri() { echo "postgresql://postgres@127.0.0.1:$(cat "$port_file")/testbench"; }

mkdir -p "$dir"
pg_prepare_owner "$dir"
case "${1:-}" in
  start)
    if ! running; then
      if [ ! -d "$dir/data" ]; then pg_init "$dir"; fi
      port="${POSTGRES_PORT:-$( [ -f "$port_file" ] && cat "$port_file" || pg_free_port)}"
      echo "$port" >"$port_file"
      pg_prepare_owner "$dir"
      pg_start "$dir" "$port" -c max_connections=100
      "${pg_run_as[@]}" "$(pg_bindir)/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = 'testbench'" | grep -q 1 ||
        "${pg_run_as[@]}" "$(pg_bindir)/createdb" -h 127.0.0.1 -p "$port" -U postgres testbench
    fi
    echo "POSTGRES_URI=$(uri)"
    ;;
  stop) running && pg_stop "$dir"; echo "stopped" ;;
  status) if running; then echo "running at $(uri)"; else echo "not running"; exit 3; fi ;;
  uri) uri ;;
  *) echo "usage: $0 start|stop|status|uri" >&2; exit 2 ;;
esac
