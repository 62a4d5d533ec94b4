# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this
# Prometheus (Debian's package, run as our own process - never the package's system unit) with
# deploy/prometheus/prometheus.yml and its rules, rendered for the profile: every service's
# `dns_sd_configs` line becomes a static target on 127.0.0.1 at the profile's port, and the
# intervals shrink to 5 s so a fresh system shows up within seconds. Data in RUN_DIR/prometheus.

PROMETHEUS_BIN=${PROMETHEUS_BIN:-/usr/bin/prometheus}
PROMETHEUS_DEPLOY_DIR=$REPO_ROOT/deploy/prometheus

prometheus_ports() { echo "$PROMETHEUS_PORT"; }

prometheus_pid() {
  local pid
  pid=$(ms_read_pid "$PID_DIR/prometheus.pid")
  ms_pid_alive "$pid" && ms_pid_cmd_has "$pid" prometheus && echo "$pid"
}

prometheus_ready() {
  prometheus_pid >/dev/null &&
    curl -fsS -m 2 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1
}

# prometheus_render OUT_DIR: the configuration and rules for this profile's ports.
prometheus_render() {
  local out=$1
  mkdir -p "$out/rules"
  cp "$PROMETHEUS_DEPLOY_DIR"/rules/*.yml "$out/rules/"
  sed -E \
    -e "s/^(  scrape_interval|  evaluation_interval): 15s$/\1: 5s/" \
    -e "s/dns_sd_configs: \[\{names: \[broker-metrics\], type: A, port: [0-9]+\}\]/static_configs: [{targets: ['127.0.0.1:$BROKER_PORT']}]/" \
    -e "s/dns_sd_configs: \[\{names: \[frontend-metrics\], type: A, port: [0-9]+\}\]/static_configs: [{targets: ['127.0.0.1:$FRONTEND_PORT']}]/" \
    -e "s/dns_sd_configs: \[\{names: \[auth-metrics\], type: A, port: [0-9]+\}\]/static_configs: [{targets: ['127.0.0.1:$AUTH_PORT']}]/" \
    -e "s/dns_sd_configs: \[\{names: \[logger-metrics\], type: A, port: [0-9]+\}\]/static_configs: [{targets: ['127.0.0.1:$LOGGER_PORT']}]/" \
    -e "s/dns_sd_configs: \[\{names: \[mail-metrics\], type: A, port: [0-9]+\}\]/static_configs: [{targets: ['127.0.0.1:$MAIL_SERVICE_PORT']}]/" \
    -e "s/dns_sd_configs: \[\{names: \[listener-metrics\], type: A, port: [0-9]+\}\]/static_configs: [{targets: ['127.0.0.1:$LISTENER_PORT']}]/" \
    "$PROMETHEUS_DEPLOY_DIR/prometheus.yml" >"$out/prometheus.yml"
  ! grep -q '^ *dns_sd_configs' "$out/prometheus.yml" ||
    ms_die "$out/prometheus.yml: a scrape job was not rewritten (see scripts/lib/servers/prometheus.sh)"
}

prometheus_launch() {
  [[ -x $PROMETHEUS_BIN ]] || ms_die "$PROMETHEUS_BIN missing: run scripts/setup"
  local dir=$RUN_DIR/prometheus
  prometheus_render "$dir"
  mkdir -p "$dir/data"
  ms_spawn "$LOG_DIR/prometheus.log" "$PID_DIR/prometheus.pid" "$PROMETHEUS_BIN" \
    --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle
}

prometheus_await() { ms_wait_until 60 prometheus "$LOG_DIR/prometheus.log" prometheus_ready; }

prometheus_stop() {
  local pid
  if pid=$(prometheus_pid); then
    ms_kill_pid prometheus "$pid" 15
    ms_wait_gone 10 "$pid"
  fi
  rm -f "$PID_DIR/prometheus.pid"
}
