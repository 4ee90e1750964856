#!/usr/bin/env bash
# Runs a command with TESTBENCH_TEST_POSTGRES_URI pointing at a PostgreSQL server:
# the one already given in that variable, or a throw-away cluster started here and
# removed afterwards, whatever the command's outcome.
set -euo pipefail
if [ -n "${TESTBENCH_TEST_POSTGRES_URI:-}" ]; then
  exec "$@"
fi

bindir="$(pg_config --bindir 2>/dev/null || true)"
[ -x "$bindir/initdb" ] || bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bindir/initdb" ] || { echo "error: PostgreSQL server binaries not found; install the 'postgresql' package" >&2; exit 2; }

workdir="$(mktemp -d /tmp/testbench-pg.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$workdir"
  run_as=(runuser -u postgres --)
fi

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

"${run_as[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 ||
  { cat "$workdir/initdb.log" >&2; exit 1; }
"${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }

export TESTBENCH_TEST_POSTGRES_URI="postgresql://postgres@127.0.0.1:$port/postgres"
echo "throw-away PostgreSQL at $TESTBENCH_TEST_POSTGRES_URI"
status=0
"$@" || status=$?
exit $status
