# shellcheck shell=bash
# Shared shell helpers for the scripts/ commands. Source it; it defines functions only
# (plus REPO_ROOT), so sourcing it twice is harmless.

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

ms_log() { printf '%s\n' "$*" >&2; }
ms_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ms_pid_alive PID: true when PID names a live process (zombies count as dead).
ms_pid_alive() {
  local pid=${1:-}
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  local state
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# ms_read_pid FILE: print the pid stored in FILE (empty when absent).
ms_read_pid() {
  [[ -s $1 ]] && head -n1 "$1" | tr -dc '0-9'
  return 0
}

# ms_tcp_open PORT [HOST]: true when something accepts a TCP connection there.
ms_tcp_open() {
  local port=$1 host=${2:-127.0.0.1}
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# ms_wait_until SECONDS WHAT LOG CMD...: poll CMD every 0.2 s until it succeeds;
# on timeout die naming WHAT and the log to read.
ms_wait_until() {
  local secs=$1 what=$2 log=$3
  shift 3
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      if [[ -f $log ]]; then
        ms_log "--- last lines of $log ---"
        tail -n 20 "$log" >&2 || true
      fi
      ms_die "$what not ready after ${secs}s (see $log)"
    fi
    sleep 0.2
  done
}

# ms_wait_pid_exit SECONDS PID: wait for PID to exit; false on timeout.
ms_wait_pid_exit() {
  local deadline=$((SECONDS + $1)) pid=$2
  while ms_pid_alive "$pid"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.1
  done
  return 0
}

# ms_kill_pid NAME PID [GRACE]: SIGTERM, wait GRACE seconds (default 15), then SIGKILL.
ms_kill_pid() {
  local name=$1 pid=$2 grace=${3:-15}
  ms_pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! ms_wait_pid_exit "$grace" "$pid"; then
    ms_log "$name (pid $pid) ignored SIGTERM for ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    ms_wait_pid_exit 5 "$pid" || ms_die "$name (pid $pid) survived SIGKILL"
  fi
}

# ms_pid_cmd_has PID WORD: true when PID's command line contains WORD (guards against a
# recycled pid in a stale pid file).
ms_pid_cmd_has() {
  [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# ms_port_owner PORT: describe the process listening on PORT (for error messages).
ms_port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(\(.*\))/\1/p' | head -n1
}

# ms_require_port_free NAME PORT: die with the owner when PORT is already taken.
ms_require_port_free() {
  if ms_tcp_open "$2"; then
    ms_die "$1 cannot start: port $2 is already in use by ${3:-$(ms_port_owner "$2")}"
  fi
}

# ms_spawn LOG PIDFILE CMD...: start CMD in its own session (so a Ctrl-C aimed at the
# calling script does not reach it), detached from stdin, output appended to LOG.
# Descriptors 8 and 9 hold the locks of scripts/servers and scripts/setup: a server that
# inherited them would hold the lock for as long as it runs.
ms_spawn() {
  local log=$1 pidfile=$2
  shift 2
  mkdir -p "$(dirname "$log")" "$(dirname "$pidfile")"
  printf '=== %s starting: %s\n' "$(date -Is)" "$*" >>"$log"
  setsid "$@" >>"$log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$pidfile"
}

# ms_tree_pids PID...: the PIDs and all their descendants.
ms_tree_pids() {
  local pid
  for pid in "$@"; do
    [[ -n $pid ]] || continue
    echo "$pid"
    # shellcheck disable=SC2046  # a list of pids
    ms_tree_pids $(pgrep -P "$pid" || true)
  done
}

# ms_wait_gone SECONDS PID...: wait until the processes no longer exist at all. A killed
# daemon is re-parented to PID 1, which may take a moment to reap it; until then it shows
# up in ps (and, for postgres, blocks a restart). Not fatal: a zombie holds no resources.
ms_wait_gone() {
  local deadline=$((SECONDS + $1)) pid
  shift
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  done
  return 0
}
