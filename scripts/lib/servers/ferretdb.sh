# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# FerretDB v1 with its SQLite backend: the MongoDB wire protocol over SQLite files
# in RUN_DIR/ferretdb.

ferretdb_ports() { echo "$MONGO_PORT"; }

ferretdb_pid() {
  local pid
  pid=$(ms_read_pid "$PID_DIR/ferretdb.pid")
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" ferretdb && echo "$pid"
}

ferretdb_ready() { ferretdb_pid >/dev/null && ms_tcp_open "$MONGO_PORT"; }

ferretdb_launch() {
  local dir=$RUN_DIR/ferretdb
  mkdir -p "$dir/data"
  # --test-capped-cleanup-interval=1s : FerretDB trims capped collections (the logger's
  # logs_recent window) on a timer, deleting the whole excess in one SQL statement with one
  # variable per document; past SQLite's 32,766 variables that statement fails and the window
  # is never trimmed again. At the default 1 m a burst of ~33k log writes gets there; at 1 s
  # it takes 33k writes per second, several times what one FerretDB (SQLite) accepts.
  # --debug-addr=- : no metrics/pprof listener (its default 127.0.0.1:8088 would make two
  # profiles collide). --telemetry=disable : no reporting to the outside.
  ms_spawn "$LOG_DIR/ferretdb.log" "$PID_DIR/ferretdb.pid" "$FERRETDB_BIN" \
    --handler=sqlite --sqlite-url="file:$dir/data/" \
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
