# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# PostgreSQL 15 from the Debian package, with a cluster of its own under the run dir.
# Interface shared by every file in this folder (NAME with - turned into _):
#   NAME_launch   start the process (server known to be stopped, ports free)
#   NAME_await    wait until it serves; one-time setup that needs it running
#   NAME_stop     stop it and everything it spawned
#   NAME_pid      print the main pid when alive (exit 1 otherwise)
#   NAME_ready    pid alive and answering (quiet)
#   NAME_ports    the ports it listens on, for status lines

PG_BIN=/usr/lib/postgresql/15/bin

# The cluster lives in RUN_DIR/postgres, owned by the postgres OS user. When that user
# cannot reach the run dir (a clone under a private home), or the socket path would pass
# the 107-byte limit of unix sockets, it lives under /var/lib/microservices instead and
# RUN_DIR/postgres is a symlink to it.
pg_root() {
  local root=$RUN_DIR/postgres
  if [[ -L $root ]]; then
    readlink "$root"
    return
  fi
  if runuser -u postgres -- test -x "$RUN_DIR" && ((${#root} + 20 < 100)); then
    echo "$root"
  else
    echo "/var/lib/microservices/$(printf '%s' "$RUN_DIR" | md5sum | cut -c1-12)/postgres"
  fi
}

pg_paths() {
  PG_ROOT=$(pg_root)
  PG_DATA=$PG_ROOT/data
  PG_SOCK=$PG_ROOT/run
  PG_LOG=$LOG_DIR/postgres.log
  PG_PIDFILE=$PID_DIR/postgres.pid
}

# pg_ctl and initdb refuse to run as root; they run as postgres from / (its cwd may be
# a directory postgres cannot read).
# The lock descriptors are closed: the postmaster started by pg_ctl would inherit them.
as_postgres() { (cd / && runuser -u postgres -- "$@" 8>&- 9>&-); }

pg_write_config() {
  {
    echo "# Written by scripts/servers on every start; edit the script, not this file."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$PG_SOCK'"
    echo "max_connections = 200"
    echo "log_line_prefix = '%m [%p] %q%u@%d '"
    echo "log_timezone = 'UTC'"
    echo "timezone = 'UTC'"
    if [[ $MS_PROFILE == test ]]; then
      # Test data is thrown away: trade durability for speed.
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$PG_DATA/ms.conf"
  # Trust, but only over loopback TCP and the private socket directory.
  printf '%s\n' \
    "# Written by scripts/servers." \
    "local all all trust" \
    "host  all all 127.0.0.1/32 trust" >"$PG_DATA/pg_hba.conf"
  chown postgres:postgres "$PG_DATA/ms.conf" "$PG_DATA/pg_hba.conf"
}

pg_init() {
  [[ -s $PG_DATA/PG_VERSION ]] && return 0
  if [[ $PG_ROOT != "$RUN_DIR/postgres" ]]; then
    mkdir -p "$PG_ROOT"
    ln -sfn "$PG_ROOT" "$RUN_DIR/postgres"
  fi
  mkdir -p "$PG_DATA"
  chown postgres:postgres "$PG_ROOT" "$PG_DATA"
  chmod 700 "$PG_ROOT" "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust \
    --encoding=UTF8 --no-locale --no-sync >>"$PG_LOG" 2>&1 ||
    ms_die "initdb failed (see $PG_LOG)"
  echo "include_if_exists = 'ms.conf'" >>"$PG_DATA/postgresql.conf"
}

postgres_ports() { echo "$PG_PORT"; }

postgres_pid() {
  pg_paths
  local pid
  pid=$(ms_read_pid "$PG_DATA/postmaster.pid")
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" postgres && echo "$pid"
}

postgres_ready() {
  postgres_pid >/dev/null && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2
}

postgres_launch() {
  pg_paths
  pg_init
  mkdir -p "$PG_SOCK"
  chown postgres:postgres "$PG_SOCK"
  pg_write_config
  # After a crash (or `scripts/servers kill`) postmaster.pid and the socket's lock file
  # stay behind, and postgres refuses to start while the pid in them still exists - even
  # as a zombie nobody has reaped yet. The server is known to be down here: drop them.
  local lock stale
  for lock in "$PG_DATA/postmaster.pid" "$PG_SOCK/.s.PGSQL.$PG_PORT.lock"; do
    stale=$(ms_read_pid "$lock")
    if [[ -n $stale ]] && ! ms_pid_alive "$stale"; then rm -f "$lock"; fi
  done
  printf '=== %s starting postgres\n' "$(date -Is)" >>"$PG_LOG"
  # No -l: the server keeps pg_ctl's stdout/stderr, a log file opened here as root, so
  # the postgres user needs no write access to RUN_DIR/logs. No -w either: the wait is
  # postgres_await's, so the other servers start meanwhile.
  as_postgres "$PG_BIN/pg_ctl" start -D "$PG_DATA" -s >>"$PG_LOG" 2>&1 ||
    ms_die "postgres failed to start (see $PG_LOG)"
}

postgres_await() {
  pg_paths
  ms_wait_until 60 postgres "$PG_LOG" postgres_ready
  postgres_pid >"$PG_PIDFILE"
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tA)
  if [[ $("${psql[@]}" -c "select 1 from pg_database where datname = 'users'") != 1 ]]; then
    "${psql[@]}" -c 'create database users' >>"$PG_LOG" 2>&1 ||
      ms_die "creating database users failed (see $PG_LOG)"
  fi
}

postgres_stop() {
  pg_paths
  local pid
  pid=$(postgres_pid) || {
    rm -f "$PG_PIDFILE"
    return 0
  }
  local tree=()
  mapfile -t tree < <(ms_tree_pids "$pid")
  if ! as_postgres "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 -s >>"$PG_LOG" 2>&1; then
    ms_log "postgres did not stop in fast mode; stopping it in immediate mode"
    as_postgres "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 -s >>"$PG_LOG" 2>&1 ||
      ms_kill_pid postgres "$pid" 5
  fi
  ms_wait_pid_exit 10 "$pid" || ms_die "postgres (pid $pid) did not exit (see $PG_LOG)"
  ms_wait_gone 5 "${tree[@]}"
  rm -f "$PG_PIDFILE"
}
