# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# RabbitMQ from the Debian package, run directly as root (not through Debian's wrapper
# that switches to the rabbitmq user), as a node of its own per profile. Everything the
# node writes - Mnesia, logs, the Erlang cookie in HOME - stays under RUN_DIR/rabbitmq,
# and the profile's epmd runs on the profile's port, so stopping the test node never
# touches the dev node's epmd.

RABBIT_LIB=/usr/lib/rabbitmq/bin

rabbit_paths() {
  RABBIT_DIR=$RUN_DIR/rabbitmq
  RABBIT_LOG=$LOG_DIR/rabbitmq.log
  RABBIT_PIDFILE=$PID_DIR/rabbitmq.pid
  RABBIT_WRAPPER_PIDFILE=$RABBIT_DIR/wrapper.pid
}

# The environment the server and its CLI tools (rabbitmqctl, rabbitmq-diagnostics) share.
rabbit_env() {
  rabbit_paths
  export HOME=$RABBIT_DIR/home
  export RABBITMQ_NODENAME=$RABBIT_NODE
  export RABBITMQ_CONF_ENV_FILE=$RABBIT_DIR/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$RABBIT_DIR/rabbitmq.conf
  export RABBITMQ_ADVANCED_CONFIG_FILE=$RABBIT_DIR/advanced.config
  export RABBITMQ_ENABLED_PLUGINS_FILE=$RABBIT_DIR/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$RABBIT_DIR/mnesia
  export RABBITMQ_LOG_BASE=$RABBIT_DIR/log
  export RABBITMQ_LOGS=- # to stdout, which goes to RUN_DIR/logs/rabbitmq.log
  export RABBITMQ_PID_FILE=$RABBIT_PIDFILE
  # shellcheck disable=SC2153  # set by profile.sh
  export RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT
  export RABBITMQ_CTL_DIST_PORT_MIN=$RABBIT_CTL_PORT_MIN
  export RABBITMQ_CTL_DIST_PORT_MAX=$RABBIT_CTL_PORT_MAX
  export ERL_EPMD_PORT=$RABBIT_EPMD_PORT
  export ERL_EPMD_ADDRESS=127.0.0.1
  # Erlang distribution on loopback only.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

rabbit_write_config() {
  mkdir -p "$RABBIT_DIR/home" "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  : >"$RABBITMQ_CONF_ENV_FILE" # keeps /etc/rabbitmq/rabbitmq-env.conf out
  cat >"$RABBITMQ_CONFIG_FILE" <<CONF
# Written by scripts/servers on every start; edit the script, not this file.
listeners.tcp.1 = 127.0.0.1:$RABBIT_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
# guest/guest, from loopback only (RabbitMQ's default, stated here on purpose).
default_user = guest
default_pass = guest
loopback_users.guest = true
log.console = true
log.console.level = info
log.file = false
CONF
  echo '[].' >"$RABBITMQ_ADVANCED_CONFIG_FILE"
  echo '[rabbitmq_management].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
  # A cookie of our own, so the CLI tools can talk to the node from the first start.
  if [[ ! -s $HOME/.erlang.cookie ]]; then
    (umask 077 && head -c 30 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$HOME/.erlang.cookie")
    chmod 400 "$HOME/.erlang.cookie"
  fi
}

rabbitmq_ports() { echo "$RABBIT_PORT,$RABBIT_MGMT_PORT"; }

rabbitmq_pid() {
  rabbit_paths
  local pid
  pid=$(ms_read_pid "$RABBIT_PIDFILE")
  # The node name is not on the VM's command line; its HOME, private to the profile, is.
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" "-home $RABBIT_DIR/home " && echo "$pid"
}

rabbitmq_ready() {
  rabbitmq_pid >/dev/null && ms_tcp_open "$RABBIT_PORT" && ms_tcp_open "$RABBIT_MGMT_PORT"
}

# The profile's epmd, told apart from others by the port in its environment.
rabbit_epmd_pids() {
  local pid
  for pid in $(pgrep -x epmd || true); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "ERL_EPMD_PORT=$RABBIT_EPMD_PORT" && echo "$pid"
  done
  return 0
}

# Erlang VMs run with this profile's HOME: its node, or a CLI tool talking to it.
rabbit_beam_pids() {
  pgrep -f "beam.* -home $RABBIT_DIR/home " || true
}

rabbitmq_launch() {
  (
    rabbit_env
    rabbit_write_config
    rm -f "$RABBIT_PIDFILE"
    ms_require_port_free "rabbitmq (distribution)" "$RABBIT_DIST_PORT"
    # Foreground mode under its own session: the wrapper shell turns SIGTERM into a clean
    # shutdown; the node writes its own pid (the beam) to RABBIT_PIDFILE.
    ms_spawn "$RABBIT_LOG" "$RABBIT_WRAPPER_PIDFILE" "$RABBIT_LIB/rabbitmq-server"
  )
}

rabbitmq_await() {
  rabbit_paths
  ms_wait_until 90 rabbitmq "$RABBIT_LOG" rabbitmq_ready
  # Listeners open late in the boot; await_startup confirms the boot finished.
  (
    rabbit_env
    "$RABBIT_LIB/rabbitmqctl" -q await_startup --timeout 60 >>"$RABBIT_LOG" 2>&1
  ) || ms_die "rabbitmq did not finish booting (see $RABBIT_LOG)"
}

rabbitmq_stop() {
  (
    rabbit_env
    local pid wrapper tree=()
    wrapper=$(ms_read_pid "$RABBIT_WRAPPER_PIDFILE")
    # shellcheck disable=SC2046  # lists of pids
    mapfile -t tree < <(ms_tree_pids "$wrapper" $(rabbit_epmd_pids) $(rabbit_beam_pids))
    if pid=$(rabbitmq_pid); then
      # Only talk to the node when it is alive: any Erlang CLI would otherwise start an
      # epmd just to find out there is no node.
      "$RABBIT_LIB/rabbitmqctl" -q stop >>"$RABBIT_LOG" 2>&1 || true
      if ! ms_wait_pid_exit 30 "$pid"; then
        ms_log "rabbitmq did not stop on rabbitmqctl stop; terminating it"
        ms_kill_pid rabbitmq "$pid" 15
      fi
    fi
    ms_kill_pid "rabbitmq wrapper" "$wrapper" 5
    # Then the profile's epmd, first politely (it refuses while nodes are registered).
    if [[ -n $(rabbit_epmd_pids) ]]; then
      epmd -kill >/dev/null 2>&1 || true
      local epmd
      for epmd in $(rabbit_epmd_pids); do ms_kill_pid epmd "$epmd" 5; done
    fi
    # Whatever of this node is left (a VM that was killed half-way, its helpers).
    local left
    for left in $(rabbit_beam_pids); do ms_kill_pid "rabbitmq beam" "$left" 5; done
    ms_wait_gone 5 "${tree[@]}"
    rm -f "$RABBIT_PIDFILE" "$RABBIT_WRAPPER_PIDFILE"
  )
}
