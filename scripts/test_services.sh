# Sourced by `make test`: starts a throw-away local PostgreSQL for the tests when this machine
# can run one (Debian's postgresql package; installed with apt-get when we are root and it is
# missing), and exports TEST_POSTGRES_URL. If it cannot, the PostgreSQL tests are skipped with
# the reason in PG_SKIP_REASON. The server is stopped when the calling shell exits.

PG_PORT=${PG_PORT:-55432}
PG_DIR="$PWD/var/pgtest"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

if [ -z "$pg_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's postgresql package for the tests..."
  (apt-get install -y -qq postgresql >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null 2>&1; }) || true
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  :  # the caller gave us a server
elif [ -z "$pg_bin" ]; then
  export PG_SKIP_REASON="no PostgreSQL server binaries on this machine (Debian package postgresql)"
else
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  if as_pg "$pg_bin/initdb" -D "$PG_DIR/data" -U frontdoor --auth=trust >/dev/null 2>&1 \
     && as_pg "$pg_bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
          -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
    as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U frontdoor frontdoor_test
    export TEST_POSTGRES_URL="postgresql+psycopg://frontdoor@127.0.0.1:$PG_PORT/frontdoor_test"
    trap 'as_pg "$pg_bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1' EXIT
    echo "PostgreSQL for tests on port $PG_PORT"
  else
    export PG_SKIP_REASON="could not start a local PostgreSQL (see $PG_DIR/log)"
  fi
fi
