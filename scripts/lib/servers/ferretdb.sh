# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# FerretDB v1: the MongoDB wire protocol over SQLite files in RUN_DIR/ferretdb/data (default)
# or over PostgreSQL (a database `ferretdb` in the profile's own PostgreSQL, which must run -
# scripts/servers starts it along). FERRETDB_BACKEND=sqlite|postgresql chooses; see
# docs/mongo.md for why SQLite stays the default although PostgreSQL is faster.

FERRETDB_BACKEND=${FERRETDB_BACKEND:-sqlite}
FERRETDB_PG_DATABASE=ferretdb

ferretdb_ports() { echo "$MONGO_PORT"; }

ferretdb_pid() {
  local pid
  pid=$(ms_read_pid "$PID_DIR/ferretdb.pid")
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" ferretdb && echo "$pid"
}

ferretdb_ready() { ferretdb_pid >/dev/null && ms_tcp_open "$MONGO_PORT"; }

# ferretdb_check_backend: die on an unknown FERRETDB_BACKEND.
ferretdb_check_backend() {
  case $FERRETDB_BACKEND in
  postgresql | sqlite) ;;
  *) ms_die "FERRETDB_BACKEND must be postgresql or sqlite, got '$FERRETDB_BACKEND'" ;;
  esac
}

# ferretdb_needs_postgres: true when FerretDB stores its data in PostgreSQL.
ferretdb_needs_postgres() { [[ $FERRETDB_BACKEND == postgresql ]]; }

# The database FerretDB keeps its collections in (one schema per MongoDB database).
ferretdb_pg_database() {
  pg_paths
  ms_wait_until 60 postgres "$PG_LOG" postgres_ready
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tA)
  if [[ $("${psql[@]}" -c "select 1 from pg_database where datname = '$FERRETDB_PG_DATABASE'") != 1 ]]; then
    "${psql[@]}" -c "create database $FERRETDB_PG_DATABASE" >>"$PG_LOG" 2>&1 ||
      ms_die "creating database $FERRETDB_PG_DATABASE failed (see $PG_LOG)"
  fi
}

ferretdb_launch() {
  ferretdb_check_backend
  local dir=$RUN_DIR/ferretdb backend_flags
  mkdir -p "$dir/data"
  if ferretdb_needs_postgres; then
    ferretdb_pg_database
    # pool_max_conns: FerretDB's own default (50) made explicit; PostgreSQL allows 200.
    backend_flags=(--handler=postgresql
      --postgresql-url="postgres://postgres@127.0.0.1:$PG_PORT/$FERRETDB_PG_DATABASE?pool_max_conns=50")
  else
    backend_flags=(--handler=sqlite --sqlite-url="file:$dir/data/")
  fi
  # --test-capped-cleanup-interval=1s : FerretDB trims capped collections (the logger's
  # logs_recent window) on a timer, deleting the whole excess in one SQL statement with one
  # variable per document; past SQLite's 32,766 (PostgreSQL's 65,535) variables that
  # statement fails and the window is never trimmed again. At the default 1 m a burst of
  # ~33k log writes gets there; at 1 s it takes 33k writes per second, several times what
  # one FerretDB accepts.
  # --debug-addr=- : no metrics/pprof listener (its default 127.0.0.1:8088 would make two
  # profiles collide). --telemetry=disable : no reporting to the outside.
  ms_spawn "$LOG_DIR/ferretdb.log" "$PID_DIR/ferretdb.pid" "$FERRETDB_BIN" \
    "${backend_flags[@]}" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    --state-dir="$dir" --debug-addr=- --telemetry=disable \
    --log-level=info --log-format=text \
    --test-capped-cleanup-interval=1s
}

ferretdb_await() {
  ms_wait_until 30 ferretdb "$LOG_DIR/ferretdb.log" ferretdb_ready
}

ferretdb_stop() {
  local pid
  if pid=$(ferretdb_pid); then
    ms_kill_pid ferretdb "$pid" 15
    ms_wait_gone 5 "$pid"
  fi
  rm -f "$PID_DIR/ferretdb.pid"
}
