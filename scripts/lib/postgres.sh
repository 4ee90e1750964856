# Shared by with-test-postgres.sh and embedded-postgres.sh: find Debian's PostgreSQL server
# binaries and run them as a non-root user (initdb refuses root). Source it; it defines:
#   pg_bindir                 directory of initdb/pg_ctl (exits 2 when absent)
#   pg_prepare_owner DIR      makes DIR usable by the server user; sets pg_run_as
#   pg_init DIR               initdb into DIR/data (trust auth, UTF-8)
#   pg_start DIR PORT [OPTS]  starts the server on 127.0.0.1:PORT, socket in DIR
#   pg_stop DIR               stops it (fast)
#   pg_free_port              prints a free loopback port

pg_bindir() {
  local dir
  dir="$(pg_config --bindir 2>/dev/null || true)"
  [ -x "$dir/initdb" ] || dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$dir/initdb" ] || { echo "error: PostgreSQL server binaries not found; install the 'postgresql' package" >&2; exit 2; }
  echo "$dir"
}

pg_run_as=()
pg_prepare_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$1"
    pg_run_as=(runuser -u postgres --)
  fi
}

pg_init() {
  "${pg_run_as[@]}" "$(pg_bindir)/initdb" -D "$1/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$1/initdb.log" 2>&1 ||
    { cat "$1/initdb.log" >&2; return 1; }
}

pg_start() {
  local dir="$1" port="$2"; shift 2
  "${pg_run_as[@]}" "$(pg_bindir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $*" start >/dev/null ||
    { cat "$dir/server.log" >&2; return 1; }
}

pg_stop() {
  "${pg_run_as[@]}" "$(pg_bindir)/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
