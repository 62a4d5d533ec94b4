# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# The port table: one place that says where every server and service of a profile lives.
#
#   source scripts/lib/profile.sh            # loads $MS_PROFILE, default dev
#   ms_profile test                          # switch to another profile
#
# dev  is what scripts/up runs: .run/ and the well-known ports of the design brief.
# test is what scripts/test runs: .run/test/ and a 5xxxx range of its own, chosen so that
#      every derived port (RabbitMQ's management, distribution, CLI and epmd ports) stays
#      inside 1..65535 and never meets a dev port, so both can run at the same time.

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

ms_profile() {
  case ${1:-} in
  dev)
    RUN_DIR=$REPO_ROOT/.run
    PG_PORT=5432
    RABBIT_PORT=5672
    RABBIT_MGMT_PORT=15672
    RABBIT_DIST_PORT=25672
    RABBIT_EPMD_PORT=4369
    # rabbitmqctl & co. listen as hidden Erlang nodes on a port from this range.
    RABBIT_CTL_PORT_MIN=35672
    RABBIT_CTL_PORT_MAX=35682
    MONGO_PORT=27017
    MAIL_PORT=1025
    MAILPIT_HTTP_PORT=8025
    MAIL_TLS_PORT=1026
    MAILPIT_TLS_HTTP_PORT=8026
    BROKER_PORT=8080
    FRONTEND_PORT=8081
    AUTH_PORT=8082
    LOGGER_PORT=8083
    MAIL_SERVICE_PORT=8084
    LISTENER_PORT=8085
    RPC_PORT=5001
    GRPC_PORT=50001
    MAIL_GRPC_PORT=50002
    PROMETHEUS_PORT=9090
    JAEGER_OTLP_PORT=4318
    JAEGER_UI_PORT=16686
    JAEGER_QUERY_GRPC_PORT=16685
    JAEGER_HEALTH_PORT=13133
    ;;
  test)
    RUN_DIR=$REPO_ROOT/.run/test
    PG_PORT=55432
    RABBIT_PORT=55672
    RABBIT_MGMT_PORT=55673
    RABBIT_DIST_PORT=55674
    RABBIT_EPMD_PORT=54369
    RABBIT_CTL_PORT_MIN=55675
    RABBIT_CTL_PORT_MAX=55685
    MONGO_PORT=57017
    MAIL_PORT=51025
    MAILPIT_HTTP_PORT=58025
    MAIL_TLS_PORT=51026
    MAILPIT_TLS_HTTP_PORT=58026
    BROKER_PORT=58080
    FRONTEND_PORT=58081
    AUTH_PORT=58082
    LOGGER_PORT=58083
    MAIL_SERVICE_PORT=58084
    LISTENER_PORT=58085
    RPC_PORT=55001
    GRPC_PORT=55002
    MAIL_GRPC_PORT=55003
    PROMETHEUS_PORT=59090
    JAEGER_OTLP_PORT=54318
    JAEGER_UI_PORT=56686
    JAEGER_QUERY_GRPC_PORT=56685
    JAEGER_HEALTH_PORT=53133
    ;;
  *)
    printf 'error: unknown profile "%s" (expected dev or test)\n' "${1:-}" >&2
    return 1
    ;;
  esac
  MS_PROFILE=$1
  RABBIT_NODE=ms-$1@localhost
  LOG_DIR=$RUN_DIR/logs
  PID_DIR=$RUN_DIR/pids
  TLS_DIR=$RUN_DIR/tls
  ENV_FILE=$RUN_DIR/env
  # Every server, in start order.
  MS_SERVERS=(postgres rabbitmq ferretdb mailpit mailpit-tls)
  MS_SERVERS+=(prometheus jaeger)
}

# ms_load_env: export what RUN_DIR/env (written by scripts/servers) says about the servers of
# the current profile; dies when the servers were never started. Needs common.sh.
ms_load_env() {
  [[ -f $ENV_FILE ]] || ms_die "no $ENV_FILE: start the servers first (scripts/servers start --profile $MS_PROFILE)"
  set -a
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  set +a
}

ms_profile "${MS_PROFILE:-dev}"
