# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# Jaeger v2 (all in one binary: OTLP receiver, in-memory storage, query API and UI), built by
# scripts/setup into the tool cache. Receives OTLP/HTTP on JAEGER_OTLP_PORT (dev 4318) and
# serves its query API and UI on JAEGER_UI_PORT (dev 16686), on 127.0.0.1 only; its query
# gRPC port and health check get the profile's ports too, so two profiles never collide.
# Traces live in memory: a restart forgets them.

jaeger_ports() { echo "$JAEGER_OTLP_PORT,$JAEGER_UI_PORT"; }

jaeger_pid() {
  local pid
  pid=$(ms_read_pid "$PID_DIR/jaeger.pid")
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" jaeger && echo "$pid"
}

jaeger_ready() {
  jaeger_pid >/dev/null && ms_tcp_open "$JAEGER_OTLP_PORT" &&
    curl -fsS -m 2 "http://127.0.0.1:$JAEGER_UI_PORT/api/services" >/dev/null 2>&1
}

# jaeger_config FILE: the collector configuration for this profile's ports.
jaeger_config() {
  cat >"$1" <<YAML
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:$JAEGER_UI_PORT
    grpc:
      endpoint: 127.0.0.1:$JAEGER_QUERY_GRPC_PORT
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 127.0.0.1:$JAEGER_HEALTH_PORT
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$JAEGER_OTLP_PORT
processors:
  batch:
    timeout: 200ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
YAML
}

jaeger_launch() {
  [[ -x $JAEGER_BIN ]] || ms_die "$JAEGER_BIN missing: run scripts/setup"
  local dir=$RUN_DIR/jaeger
  mkdir -p "$dir"
  jaeger_config "$dir/config.yaml"
  ms_spawn "$LOG_DIR/jaeger.log" "$PID_DIR/jaeger.pid" "$JAEGER_BIN" --config "file:$dir/config.yaml"
}

jaeger_await() { ms_wait_until 60 jaeger "$LOG_DIR/jaeger.log" jaeger_ready; }

jaeger_stop() {
  local pid
  if pid=$(jaeger_pid); then
    ms_kill_pid jaeger "$pid" 15
    ms_wait_gone 10 "$pid"
  fi
  rm -f "$PID_DIR/jaeger.pid"
}
