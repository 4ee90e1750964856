#!/usr/bin/env bash
# Runs a command with TESTBENCH_TEST_POSTGRES_URI pointing at a PostgreSQL server:
# the one already given in that variable, or a throw-away cluster started here and
# removed afterwards, whatever the command's outcome.
set -euo pipefail
if [ -n "${TESTBENCH_TEST_POSTGRES_URI:-}" ]; then
  exec "$@"
fi
source "$(dirname "$0")/lib/postgres.sh"

workdir="$(mktemp -d /tmp/testbench-pg.XXXXXX)"
port="$(pg_free_port)"
pg_prepare_owner "$workdir"
cleanup() {
  "${pg_run_as[@]}" "$(pg_bindir)/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

pg_init "$workdir"
# Durability is pointless for a cluster deleted after the run.
pg_start "$workdir" "$port" -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off

export TESTBENCH_TEST_POSTGRES_URI="postgresql://postgres@127.0.0.1:$port/postgres"
echo "throw-away PostgreSQL at $TESTBENCH_TEST_POSTGRES_URI"
status=0
"$@" || status=$?
exit $status
