# shellcheck shell=bash
# Starting and stopping our six services for a profile (scripts/up, scripts/down, scripts/test).
# Needs common.sh and profile.sh sourced first, and RUN_DIR/env written by scripts/servers.

MS_SERVICES=(logger auth mail listener broker frontend)  # start order: dependencies first

# ms_service_port NAME: the HTTP port of a service in the current profile.
ms_service_port() {
  case $1 in
    broker) echo "$BROKER_PORT" ;;
    frontend) echo "$FRONTEND_PORT" ;;
    auth) echo "$AUTH_PORT" ;;
    logger) echo "$LOGGER_PORT" ;;
    mail) echo "$MAIL_SERVICE_PORT" ;;
    listener) echo "$LISTENER_PORT" ;;
    *) return 1 ;;
  esac
}

# ms_service_env NAME: the environment a service runs with (one VAR=value per line).
ms_service_env() {
  local local_host=127.0.0.1
  echo "PORT=$(ms_service_port "$1")"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  [[ -n ${INTERNAL_TOKEN:-} ]] && echo "INTERNAL_TOKEN=$INTERNAL_TOKEN"
  [[ -n ${WORKERS:-} ]] && echo "WORKERS=$WORKERS"
  case $1 in
    broker)
      echo "AUTH_URL=http://$local_host:$AUTH_PORT"
      echo "LOGGER_URL=http://$local_host:$LOGGER_PORT"
      echo "LOGGER_RPC_ADDR=$local_host:$RPC_PORT"
      echo "LOGGER_GRPC_ADDR=$local_host:$GRPC_PORT"
      echo "MAIL_URL=http://$local_host:$MAIL_SERVICE_PORT"
      echo "RABBIT_URL=$RABBIT_URL"
      ;;
    auth)
      echo "DSN=$DSN"
      echo "TRUSTED_PROXIES=$local_host"  # the broker: its X-Forwarded-For names the client
      echo "LOGGER_RPC_ADDR=$local_host:$RPC_PORT"
      ;;
    logger)
      echo "MONGO_URL=$MONGO_URL"
      echo "RPC_PORT=$RPC_PORT"
      echo "GRPC_PORT=$GRPC_PORT"
      ;;
    mail)
      echo "MAIL_HOST=$MAIL_HOST"
      echo "MAIL_PORT=$MAIL_PORT"
      echo "MAIL_ENCRYPTION=none"
      echo "MAIL_DOMAIN=localhost"
      echo "FROM_NAME=Microservices"
      echo "FROM_ADDRESS=noreply@example.com"
      echo "MAIL_GRPC_PORT=$MAIL_GRPC_PORT"
      ;;
    listener)
      echo "RABBIT_URL=$RABBIT_URL"
      echo "LOGGER_URL=http://$local_host:$LOGGER_PORT"
      echo "MAIL_URL=http://$local_host:$MAIL_SERVICE_PORT"
      ;;
    frontend)
      echo "BROKER_URL=/api"
      echo "BROKER_UPSTREAM=http://$local_host:$BROKER_PORT"
      ;;
  esac
}

ms_service_binary() { echo "${MS_BUILD_DIR:-$REPO_ROOT/build}/bin/$1"; }

ms_service_pid() {
  local pid
  pid=$(ms_read_pid "$PID_DIR/$1.pid")
  ms_pid_alive "$pid" && echo "$pid"
}

# ms_service_start NAME: start it in the background unless it runs; wait for /healthz.
ms_service_start() {
  local name=$1 bin port
  bin=$(ms_service_binary "$name")
  [[ -x $bin ]] || return 0  # not built (yet): nothing to start
  port=$(ms_service_port "$name")
  mkdir -p "$LOG_DIR" "$PID_DIR"
  if ms_service_pid "$name" >/dev/null; then return 0; fi
  local -a vars
  mapfile -t vars < <(ms_service_env "$name")
  env "${vars[@]}" "$bin" >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$PID_DIR/$name.pid"
  ms_wait_until 20 "$name" "$LOG_DIR/$name.log" curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"
}

# ms_service_stop NAME: SIGTERM (drain), then SIGKILL after the grace period.
ms_service_stop() {
  local name=$1 pid
  if pid=$(ms_service_pid "$name"); then ms_kill_pid "$name" "$pid" 25; fi
  rm -f "$PID_DIR/$name.pid"
}

ms_services_start() {
  local s
  for s in "${MS_SERVICES[@]}"; do ms_service_start "$s"; done
}

ms_services_stop() {
  local s i
  for ((i = ${#MS_SERVICES[@]} - 1; i >= 0; i--)); do
    s=${MS_SERVICES[i]}
    ms_service_stop "$s"
  done
}
